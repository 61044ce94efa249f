package io.eventsource.deployed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.awaitility.Awaitility.await;

/**
 * A deployment of the test service: one publisher and two listening services, {@code a}
 * with one instance (with a web server) and {@code b} with two competing instances
 * (without), each service on a PostgreSQL database of its own, every name with a random
 * suffix. It reads what was published from the publisher's outbox and what was applied
 * from each service's ledger, and removes its databases, queues and exchanges when
 * closed.
 */
final class Deployment implements AutoCloseable {

	static final String ORDER = "DeployedOrder";

	static final String PAYMENT = "DeployedPayment";

	private final String suffix = TestServices.randomSuffix();

	private final Path folder;

	private final Map<String, String> databases = new LinkedHashMap<>();

	private final Map<String, List<ServiceProcess>> instances = new LinkedHashMap<>();

	private final Map<String, JdbcTemplate> jdbcs = new java.util.concurrent.ConcurrentHashMap<>();

	private final int webPort = freePort();

	private final List<String> extraProperties;

	Deployment(Path folder, List<String> extraProperties) {
		this.folder = folder.resolve(this.suffix);
		this.extraProperties = extraProperties;
		// the services keep themselves alive: never leave them running after the tests
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> instances().forEach(ServiceProcess::destroy), "deployed-cleanup"));
	}

	String publisher() {
		return "dpub-" + this.suffix;
	}

	String serviceA() {
		return "da-" + this.suffix;
	}

	String serviceB() {
		return "db-" + this.suffix;
	}

	List<String> listeningServices() {
		return List.of(serviceA(), serviceB());
	}

	String idPrefix() {
		return this.suffix + "-";
	}

	int webPort() {
		return this.webPort;
	}

	private String registryPrefix() {
		return "deployed-" + this.suffix;
	}

	/**
	 * Creates the databases and starts every instance; returns at once.
	 * @param aggregates the aggregates per type the publisher spreads its events over
	 * @param rate the events the publisher commits per second
	 */
	void start(int aggregates, int rate) {
		for (String service : List.of(publisher(), serviceA(), serviceB())) {
			createDatabase(service);
		}
		start(publisher(), "pub", "publisher", List.of("--deployed.aggregates=" + aggregates, "--deployed.rate=" + rate,
				"--eventsource.listener.enabled=false"));
		start(serviceA(), "a1", "listener",
				List.of("--spring.main.web-application-type=servlet", "--server.port=" + this.webPort));
		start(serviceB(), "b1", "listener", List.of());
		start(serviceB(), "b2", "listener", List.of());
	}

	private void start(String service, String instance, String profile, List<String> own) {
		List<String> arguments = new ArrayList<>();
		arguments.add("--spring.profiles.active=" + profile);
		arguments.add("--eventsource.service-name=" + service);
		arguments.add("--eventsource.aggregate-types." + PAYMENT + ".topology=partitioned");
		arguments.add("--deployed.instance=" + instance);
		arguments.add("--deployed.id-prefix=" + idPrefix());
		arguments.add("--deployed.stop-file=" + this.folder.resolve("stop"));
		arguments.add("--deployed.meter-file=" + meterFile(instance));
		arguments.add("--deployed.parent-pid=" + ProcessHandle.current().pid());
		// nothing of the deployment outlives it on the shared broker and Redis
		arguments.add("--eventsource.registry.key-prefix=" + registryPrefix());
		arguments.add("--eventsource.per-aggregate.ids-queue-expiry=10m");
		TestServices.rabbitProperties().forEach((property) -> arguments.add("--" + property));
		TestServices.redisProperties().forEach((property) -> arguments.add("--" + property));
		arguments.add("--spring.datasource.url=" + this.databases.get(service));
		arguments.add("--spring.datasource.username=" + TestServices.username(Database.POSTGRESQL));
		arguments.addAll(own);
		arguments.addAll(this.extraProperties);
		this.instances.computeIfAbsent(service, (name) -> new ArrayList<>())
			.add(ServiceProcess.start(instance, this.folder, arguments));
	}

	private Path meterFile(String instance) {
		return this.folder.resolve(instance + ".meters");
	}

	/**
	 * Waits until every instance has written its meter file twice after a time: the
	 * second write read its meters after the first was done, so after that time (a file
	 * is written every second).
	 * @param after the time
	 */
	void awaitMetersSampledAfter(Instant after) {
		for (ServiceProcess instance : instances()) {
			Path file = meterFile(instance.name());
			Instant first = await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptions()
				.until(() -> Files.getLastModifiedTime(file).toInstant(), (written) -> written.isAfter(after));
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptions()
				.until(() -> Files.getLastModifiedTime(file).toInstant().isAfter(first));
		}
	}

	/**
	 * Stops publishing; the publisher keeps running (its relay, its replay responder).
	 */
	void stopPublishing() {
		try {
			Files.createDirectories(this.folder);
			Files.writeString(this.folder.resolve("stop"), "stop");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	List<ServiceProcess> instances() {
		return this.instances.values().stream().flatMap(List::stream).toList();
	}

	List<ServiceProcess> instancesOf(String service) {
		return this.instances.get(service);
	}

	/**
	 * Returns the highest sequence committed per aggregate, from the publisher's outbox.
	 * @return the sequences by {@code type/id}
	 */
	Map<String, Long> published() {
		return highest(publisher(), "SELECT topic AS t, aggregate_id AS a, MAX(sequence) AS s FROM public_messages "
				+ "GROUP BY topic, aggregate_id");
	}

	/**
	 * Returns the highest sequence a service applied per aggregate, from its ledger.
	 * @param service the service
	 * @return the sequences by {@code type/id}
	 */
	Map<String, Long> applied(String service) {
		return highest(service, "SELECT aggregate_type AS t, aggregate_id AS a, MAX(sequence) AS s "
				+ "FROM deployed_applied GROUP BY aggregate_type, aggregate_id");
	}

	/**
	 * Returns the longest time from publishing to applying of the events a service
	 * applied that were published in a window of time (both clocks are this machine's).
	 * @param service the service
	 * @param from the start of the window
	 * @param to its end
	 * @return the longest lag in seconds, {@code 0} when no event was published then
	 */
	double longestLag(String service, Instant from, Instant to) {
		Double seconds = jdbc(service).queryForObject(
				"SELECT EXTRACT(EPOCH FROM MAX(applied_at - occurred_at)) FROM deployed_applied "
						+ "WHERE occurred_at BETWEEN ? AND ?",
				Double.class, OffsetDateTime.ofInstant(from, ZoneOffset.UTC),
				OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
		return (seconds != null) ? seconds : 0;
	}

	/**
	 * Returns whether a service applied everything up to the given sequences.
	 * @param service the service
	 * @param watermark the sequences by {@code type/id}
	 * @return {@code true} when it did
	 */
	boolean caughtUp(String service, Map<String, Long> watermark) {
		Map<String, Long> applied = applied(service);
		return watermark.entrySet()
			.stream()
			.allMatch((entry) -> applied.getOrDefault(entry.getKey(), 0L) >= entry.getValue());
	}

	/**
	 * Returns what a service's ledger shows: every event applied exactly once and in
	 * sequence order per aggregate, or what is wrong.
	 * @param service the service
	 * @param published the highest sequence committed per aggregate
	 * @return the ledger's check
	 */
	LedgerCheck check(String service, Map<String, Long> published) {
		return check(service, published, true);
	}

	/**
	 * Returns what a service's ledger shows so far, while events are still published:
	 * every aggregate's events applied once each, from the first, in sequence order.
	 * @param service the service
	 * @return the ledger's check
	 */
	LedgerCheck checkSoFar(String service) {
		return check(service, null, false);
	}

	private LedgerCheck check(String service, Map<String, Long> published, boolean expected) {
		Map<String, List<Long>> sequences = new TreeMap<>();
		jdbc(service).query("SELECT aggregate_type, aggregate_id, sequence FROM deployed_applied ORDER BY id", (rs) -> {
			sequences.computeIfAbsent(rs.getString(1) + "/" + rs.getString(2), (key) -> new ArrayList<>())
				.add(rs.getLong(3));
		});
		long applied = 0;
		long duplicates = 0;
		List<String> problems = new ArrayList<>();
		Map<String, Long> aggregates = (published != null) ? published : new TreeMap<>();
		if (published == null) {
			sequences.keySet().forEach((key) -> aggregates.put(key, 0L));
		}
		for (Map.Entry<String, Long> entry : aggregates.entrySet()) {
			List<Long> seen = sequences.getOrDefault(entry.getKey(), List.of());
			applied += seen.stream().distinct().count();
			duplicates += seen.size() - seen.stream().distinct().count();
			for (int i = 0; i < seen.size(); i++) {
				if (seen.get(i) != i + 1) {
					problems.add(entry.getKey() + " applied " + abbreviate(seen) + " in this order");
					break;
				}
			}
			if (expected && seen.size() != entry.getValue() && problems.size() < 20) {
				problems.add(entry.getKey() + " applied " + seen.size() + " of " + entry.getValue());
			}
		}
		return new LedgerCheck(applied, duplicates, problems);
	}

	private static String abbreviate(List<Long> sequences) {
		return (sequences.size() <= 20) ? sequences.toString()
				: sequences.subList(0, 20) + "... (" + sequences.size() + ")";
	}

	/**
	 * Returns the sum of an instance's meters of a name whose tags include all the given
	 * ones, from the file the instance writes every second.
	 * @param instance the instance, for example {@code b1}
	 * @param meter the meter name, for example {@code eventsource.consumed.events}
	 * @param tags tags as {@code name=value}, for example {@code outcome=duplicate}
	 * @return the sum
	 */
	long counter(String instance, String meter, String... tags) {
		try {
			Path file = meterFile(instance);
			if (!Files.exists(file)) {
				return 0;
			}
			return Files.readAllLines(file)
				.stream()
				.filter((line) -> line.startsWith(meter + "{"))
				.filter((line) -> Arrays.stream(tags)
					.allMatch((tag) -> line.contains("{" + tag + ",") || line.contains("," + tag + ",")))
				.mapToLong((line) -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
				.sum();
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private Map<String, Long> highest(String service, String sql) {
		Map<String, Long> highest = new TreeMap<>();
		jdbc(service).query(sql, (rs) -> {
			if (rs.getString("a").startsWith(idPrefix())) {
				highest.put(rs.getString("t") + "/" + rs.getString("a"), rs.getLong("s"));
			}
		});
		return highest;
	}

	JdbcTemplate jdbc(String service) {
		return this.jdbcs.computeIfAbsent(service, (name) -> jdbcTemplate(this.databases.get(name)));
	}

	private static JdbcTemplate jdbcTemplate(String url) {
		// a connection per statement: nothing held open across a restart of the server
		return new JdbcTemplate(new DriverManagerDataSource(url, TestServices.username(Database.POSTGRESQL), ""));
	}

	private void createDatabase(String service) {
		String name = service.replace('-', '_');
		jdbcTemplate(TestServices.jdbcUrl(Database.POSTGRESQL)).execute("CREATE DATABASE " + name);
		String url = TestServices.jdbcUrl(Database.POSTGRESQL);
		this.databases.put(service, url.substring(0, url.lastIndexOf('/') + 1) + name);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			stopPublishing();
			instances().forEach(ServiceProcess::stop);
		}
		finally {
			try {
				deleteBrokerResources();
			}
			finally {
				try {
					deleteRegistryKeys();
				}
				finally {
					dropDatabases();
				}
			}
		}
	}

	private void deleteBrokerResources() {
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			JsonMapper json = JsonMapper.builder().build();
			for (JsonNode queue : json.readTree(rabbit.management("GET", "/queues?columns=name", null))) {
				String name = queue.get("name").asString();
				if (name.contains(this.suffix)) {
					rabbit.deleteQueue(name);
				}
			}
			for (JsonNode exchange : json.readTree(rabbit.management("GET", "/exchanges?columns=name", null))) {
				String name = exchange.get("name").asString();
				if (name.contains(this.suffix)) {
					rabbit.deleteExchange(name);
				}
			}
		}
	}

	private void deleteRegistryKeys() {
		List<String> redis = TestServices.redisProperties();
		String host = redis.get(0).substring(redis.get(0).indexOf('=') + 1);
		String port = redis.get(1).substring(redis.get(1).indexOf('=') + 1);
		RedisClient client = RedisClient.create("redis://" + host + ":" + port);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			List<String> keys = connection.sync().keys(registryPrefix() + ":*");
			if (!keys.isEmpty()) {
				connection.sync().del(keys.toArray(String[]::new));
			}
		}
		finally {
			client.shutdown();
		}
	}

	private void dropDatabases() {
		JdbcTemplate admin = jdbcTemplate(TestServices.jdbcUrl(Database.POSTGRESQL));
		for (String service : this.databases.keySet()) {
			admin.execute("DROP DATABASE IF EXISTS " + service.replace('-', '_') + " WITH (FORCE)");
		}
	}

	/**
	 * What a service's ledger shows.
	 *
	 * @param applied the events applied
	 * @param duplicates the events applied more than once
	 * @param problems what is wrong: events missing or applied out of order
	 */
	record LedgerCheck(long applied, long duplicates, List<String> problems) {
	}

}
