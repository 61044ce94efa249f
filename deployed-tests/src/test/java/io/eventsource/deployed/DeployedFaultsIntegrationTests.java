package io.eventsource.deployed;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The deployed-process fault suite: one publisher and two listening services (one
 * instance with a web server; two competing instances without), each a JVM of its own
 * from the packaged jar with a database of its own, both topologies at once, while the
 * publisher commits events continuously. Each scenario breaks one thing the way it breaks
 * in production; after each, every JVM still runs (by process id), every service applied
 * everything committed before the end of the outage within 15 s of it, exactly once and
 * in order per aggregate (read from its own database), and the web instance's health is
 * {@code UP} again. The summary table is printed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployedFaultsIntegrationTests {

	private static final Duration RECOVERY = Duration.ofSeconds(15);

	private static final int AGGREGATES = 20;

	private static final int PARTITIONS = 8;

	private static final int HOSTILE_MESSAGES = 10_000;

	private final Deployment deployment = new Deployment(Path.of("target", "deployed"), List.of());

	private final List<ScenarioRow> rows = new ArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	private final Set<String> healthSeen = new LinkedHashSet<>();

	private HostileRow hostile;

	@BeforeAll
	void start() {
		this.deployment.start(AGGREGATES, 40);
		await().atMost(Duration.ofSeconds(180))
			.pollInterval(Duration.ofSeconds(1))
			.ignoreExceptions()
			.untilAsserted(() -> {
				assertThat(this.deployment.instances()).allMatch(ServiceProcess::isAlive, "every instance runs");
				Map<String, Long> published = this.deployment.published();
				assertThat(published.keySet()).anyMatch((key) -> key.startsWith(Deployment.ORDER))
					.anyMatch((key) -> key.startsWith(Deployment.PAYMENT));
				for (String service : this.deployment.listeningServices()) {
					assertThat(this.deployment.applied(service).keySet()).as(service)
						.anyMatch((key) -> key.startsWith(Deployment.ORDER))
						.anyMatch((key) -> key.startsWith(Deployment.PAYMENT));
				}
			});
	}

	@AfterAll
	void stop() {
		try {
			printTable();
		}
		finally {
			this.deployment.close();
		}
	}

	@Test
	@Order(1)
	void rabbitMqStoppedForFiveSeconds() {
		scenario("RabbitMQ stopped 5 s", true, () -> {
			TestServices.rabbitmqctl("stop_app");
			try {
				outage(Duration.ofSeconds(5));
			}
			finally {
				TestServices.rabbitmqctl("start_app");
			}
		});
	}

	@Test
	@Order(2)
	void rabbitMqStoppedLongerThanTheQueueExpiry() {
		scenario("RabbitMQ stopped 60 s", true, () -> {
			TestServices.rabbitmqctl("stop_app");
			try {
				outage(Duration.ofSeconds(60));
			}
			finally {
				TestServices.rabbitmqctl("start_app");
			}
		});
	}

	@Test
	@Order(3)
	void anInstanceKilledInTheMiddleOfItsWork() {
		ServiceProcess b2 = this.deployment.instancesOf(this.deployment.serviceB()).get(1);
		scenario("kill -9 of an instance of b", () -> {
			try {
				b2.kill();
				outage(Duration.ofSeconds(5));
			}
			finally {
				b2.restart();
			}
		});
	}

	@Test
	@Order(4)
	void postgresqlRestarted() {
		scenario("PostgreSQL restarted", () -> {
			try {
				TestServices.restartPostgres();
			}
			finally {
				TestServices.restartPostgresIfDown();
			}
		});
	}

	@Test
	@Order(5)
	void redisStoppedForAMinute() {
		scenario("Redis stopped 60 s", true, () -> {
			TestServices.stopRedis();
			try {
				outage(Duration.ofSeconds(60));
			}
			finally {
				TestServices.startRedis();
			}
		});
	}

	@Test
	@Order(6)
	void hostileInputIntoEveryKindOfQueue() {
		long seed = System.nanoTime();
		HostileMessages generator = new HostileMessages(seed);
		List<ServiceProcess> listeners = new ArrayList<>(this.deployment.instancesOf(this.deployment.serviceA()));
		listeners.addAll(this.deployment.instancesOf(this.deployment.serviceB()));
		long logBefore = listeners.stream().mapToLong(ServiceProcess::logBytes).sum();
		Map<String, Long> settledBefore = settled(listeners);
		String serviceB = this.deployment.serviceB();
		AtomicLong returned = new AtomicLong();
		AtomicLong delivered = new AtomicLong();
		Instant burstStarted = Instant.now();
		Map<String, Long> kinds = new TreeMap<>();
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			rabbit.withChannel((channel) -> {
				channel.confirmSelect();
				channel.addReturnListener((reply) -> returned.incrementAndGet());
				for (int i = 0; i < HOSTILE_MESSAGES; i++) {
					String aggregateId = this.deployment.idPrefix() + (i % AGGREGATES);
					HostileMessages.Hostile message;
					String exchange = "";
					String routingKey;
					int copies = 1;
					switch (i % 5) {
						case 0, 1 -> {
							message = generator.event(Deployment.ORDER, aggregateId);
							routingKey = Deployment.ORDER + "-" + aggregateId + "-" + serviceB;
						}
						case 2 -> {
							message = generator.event(Deployment.PAYMENT, aggregateId);
							routingKey = Deployment.PAYMENT + "." + serviceB + "." + (i % PARTITIONS);
						}
						case 3 -> {
							// a new aggregate nobody publishes: its sequence 1 is the
							// next
							message = generator.payload(Deployment.PAYMENT, "PaymentStepped",
									this.deployment.idPrefix() + "hostile-" + i);
							routingKey = Deployment.PAYMENT + "." + serviceB + "." + (i % PARTITIONS);
						}
						default -> {
							message = generator.announcement();
							exchange = Deployment.ORDER + "AggregateIds";
							routingKey = "";
							// the fanout reaches both listening services (and any other
							// service of the machine listening to the type)
							copies = 2;
						}
					}
					kinds.merge(message.kind(), 1L, Long::sum);
					channel.basicPublish(exchange, routingKey, true, message.properties(), message.body());
					delivered.addAndGet(copies);
				}
				try {
					channel.waitForConfirmsOrDie(60_000);
				}
				catch (InterruptedException | java.util.concurrent.TimeoutException ex) {
					throw new IllegalStateException("The broker did not confirm the hostile messages", ex);
				}
			});
		}
		long sent = delivered.get() - returned.get();
		Map<String, Long> watermark = this.deployment.published();
		long started = System.nanoTime();
		for (String service : this.deployment.listeningServices()) {
			await().atMost(Duration.ofSeconds(120))
				.pollInterval(Duration.ofMillis(500))
				.ignoreExceptions()
				.until(() -> this.deployment.caughtUp(service, watermark));
		}
		await().atMost(Duration.ofSeconds(180))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> total(settled(listeners)) - total(settledBefore) >= sent);
		// and not more: the counts no longer move between two writes of the meter files
		long[] last = { -1 };
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1500)).until(() -> {
			long now = total(settled(listeners));
			boolean still = now == last[0];
			last[0] = now;
			return still;
		});
		double seconds = (System.nanoTime() - started) / 1e9;
		// the real events published in the minute before the burst and during it: what
		// the hostile messages in their lanes cost them, against the same machine's lag
		// without
		Instant burstEnded = Instant.now();
		Map<String, String> lag = new TreeMap<>();
		for (String service : this.deployment.listeningServices()) {
			lag.put(service,
					String.format("%.1f s (%.1f s before)",
							this.deployment.longestLag(service, burstStarted, burstEnded),
							this.deployment.longestLag(service, burstStarted.minusSeconds(60), burstStarted)));
		}
		long logBytes = listeners.stream().mapToLong(ServiceProcess::logBytes).sum() - logBefore;
		Map<String, Long> settledDelta = new TreeMap<>();
		settled(listeners).forEach((key, value) -> settledDelta.put(key, value - settledBefore.getOrDefault(key, 0L)));
		System.out.printf(
				"Hostile input (seed %d): %d messages (%d returned unroutable), kinds %s; settled %s; "
						+ "%.1f s until every real event was applied; longest publish-to-apply lag of a real event "
						+ "during the burst %s; %d log bytes, %.0f per bad message%n",
				seed, HOSTILE_MESSAGES, returned.get(), kinds, settledDelta, seconds, lag, logBytes,
				(double) logBytes / sent);
		this.hostile = new HostileRow(HOSTILE_MESSAGES, sent, settledDelta, logBytes, seconds, lag);
		assertThat(total(settledDelta)).as("messages settled (parked or dropped) against messages delivered")
			.isEqualTo(sent);
		for (String service : this.deployment.listeningServices()) {
			Deployment.LedgerCheck check = this.deployment.checkSoFar(service);
			assertThat(check.problems()).as(service + " applied in order, once each").isEmpty();
			assertThat(check.duplicates()).as(service + " applied twice").isZero();
		}
		assertThat(this.deployment.instances()).allMatch(ServiceProcess::isAlive, "every instance runs");
		assertThat((double) logBytes / sent).as("log bytes per bad message").isLessThan(2048);
		for (ServiceProcess listener : listeners) {
			assertThat(listener.longestLine()).as("longest log line of " + listener.name()).isLessThan(4096);
		}
	}

	/**
	 * Returns the counts of how the listening instances settled the messages that are not
	 * events to apply: malformed ones parked (or found parked already, for a redelivery),
	 * events whose payload cannot bind parked for the projection, and what was dropped.
	 */
	private Map<String, Long> settled(List<ServiceProcess> listeners) {
		Map<String, Long> counts = new TreeMap<>();
		for (ServiceProcess listener : listeners) {
			String instance = listener.name();
			counts.merge("malformed parked", this.deployment.counter(instance, "eventsource.consumed.events",
					"outcome=parked", "projection=(malformed)"), Long::sum);
			counts.merge("malformed duplicate", this.deployment.counter(instance, "eventsource.consumed.events",
					"outcome=duplicate", "projection=(malformed)"), Long::sum);
			counts.merge("payload parked", this.deployment.counter(instance, "eventsource.consumed.events",
					"outcome=parked", "projection=ledger"), Long::sum);
			counts.merge("dropped", this.deployment.counter(instance, "eventsource.messages.dropped"), Long::sum);
			counts.merge("announcements dropped",
					this.deployment.counter(instance, "eventsource.announcements.dropped"), Long::sum);
		}
		return counts;
	}

	private static long total(Map<String, Long> counts) {
		return counts.values().stream().mapToLong(Long::longValue).sum();
	}

	@Test
	@Order(99)
	void everyServiceAppliedEveryEventExactlyOnceInOrder() {
		this.deployment.stopPublishing();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.deployment.instancesOf(this.deployment.publisher())
				.get(0)
				.lines()
				.stream()
				.anyMatch((line) -> line.startsWith("STOPPED")));
		Map<String, Long> published = this.deployment.published();
		for (String service : this.deployment.listeningServices()) {
			await().atMost(Duration.ofSeconds(60))
				.ignoreExceptions()
				.until(() -> this.deployment.caughtUp(service, published));
			Deployment.LedgerCheck check = this.deployment.check(service, published);
			assertThat(check.problems()).as(service).isEmpty();
			assertThat(check.duplicates()).as(service).isZero();
		}
		assertThat(this.deployment.instances()).allMatch(ServiceProcess::isAlive, "every instance runs");
	}

	private void scenario(String name, Runnable fault) {
		scenario(name, false, fault);
	}

	/**
	 * Runs a fault under load and checks the services after it.
	 * @param name the scenario's name in the table
	 * @param healthShowsIt whether the web instance's health must leave {@code UP} during
	 * the outage
	 * @param fault breaks something and returns when it is repaired
	 */
	private void scenario(String name, boolean healthShowsIt, Runnable fault) {
		long duplicatesBefore = counter("outcome=duplicate");
		long parkedBefore = counter("outcome=parked");
		this.healthSeen.clear();
		fault.run();
		long end = System.nanoTime();
		// right after a restart the server may answer before it accepts queries
		Map<String, Long> watermark = await().atMost(Duration.ofSeconds(60))
			.ignoreExceptions()
			.until(this.deployment::published, (published) -> !published.isEmpty());
		Map<String, String> recovered = new LinkedHashMap<>();
		for (String service : this.deployment.listeningServices()) {
			await().atMost(Duration.ofSeconds(120))
				.pollInterval(Duration.ofMillis(250))
				.ignoreExceptions()
				.until(() -> this.deployment.caughtUp(service, watermark));
			recovered.put(service, String.format("%.1f s", (System.nanoTime() - end) / 1e9));
		}
		double seconds = (System.nanoTime() - end) / 1e9;
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(health()));
		String healthReport = (this.healthSeen.isEmpty() ? "-" : String.join(", ", this.healthSeen)) + " -> UP";
		if (healthShowsIt) {
			assertThat(this.healthSeen).as("health of a during the outage").anyMatch((status) -> !"UP".equals(status));
		}
		List<String> dead = this.deployment.instances()
			.stream()
			.filter((instance) -> !instance.isAlive())
			.map(ServiceProcess::toString)
			.toList();
		Map<String, Deployment.LedgerCheck> checks = new LinkedHashMap<>();
		for (String service : this.deployment.listeningServices()) {
			checks.put(service, this.deployment.checkSoFar(service));
		}
		this.rows.add(new ScenarioRow(name, watermark.values().stream().mapToLong(Long::longValue).sum(), checks,
				counter("outcome=duplicate") - duplicatesBefore, counter("outcome=parked") - parkedBefore, recovered,
				healthReport, this.deployment.instances().size() - dead.size(), this.deployment.instances().size()));
		assertThat(dead).as("instances that exited").isEmpty();
		checks.forEach((service, check) -> {
			assertThat(check.problems()).as(service + " applied in order, once each").isEmpty();
			assertThat(check.duplicates()).as(service + " applied twice").isZero();
		});
		assertThat(seconds)
			.as("seconds from the end of the outage until every service applied everything " + "committed before it: "
					+ recovered)
			.isLessThan(RECOVERY.toSeconds());
	}

	private long counter(String... tags) {
		return this.deployment.instances()
			.stream()
			.mapToLong((instance) -> this.deployment.counter(instance.name(), "eventsource.consumed.events", tags))
			.sum();
	}

	/**
	 * Holds an outage for its duration (the time itself is the fault), noting what the
	 * web instance's health says meanwhile.
	 */
	private void outage(Duration duration) {
		Holds.hold(duration, () -> this.healthSeen.add(health()));
	}

	private String health() {
		try {
			HttpResponse<String> response = this.http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.deployment.webPort() + "/actuator/health"))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
			return JsonMapper.builder().build().readTree(response.body()).path("status").asString("?");
		}
		catch (Exception ex) {
			return "no answer";
		}
	}

	private void printTable() {
		StringBuilder table = new StringBuilder("\nDeployed-process fault suite (").append(this.deployment.publisher())
			.append(", services a x1 with a web server, b x2 without)\n");
		String format = "| %-28s | %9s | %9s | %9s | %10s | %6s | %-22s | %-24s | %4s |%n";
		table.append(String.format(format, "scenario", "published", "applied a", "applied b", "duplicates", "parked",
				"caught up after outage", "health of a", "JVMs"));
		table.append(String.format(format, "-".repeat(28), "-".repeat(9), "-".repeat(9), "-".repeat(9), "-".repeat(10),
				"-".repeat(6), "-".repeat(22), "-".repeat(24), "-".repeat(4)));
		for (ScenarioRow row : this.rows) {
			List<Deployment.LedgerCheck> checks = new ArrayList<>(row.checks().values());
			table.append(String.format(format, row.scenario(), row.published(), checks.get(0).applied(),
					checks.get(1).applied(), row.duplicates(), row.parked(),
					String.join(", ", row.recovered().values()), row.health(), row.alive() + "/" + row.instances()));
		}
		if (this.hostile != null) {
			table.append(String.format("%nHostile input: %d generated messages, %d delivered to listening instances, "
					+ "settled %s, %.1f s until every real event was applied, longest publish-to-apply lag of a "
					+ "real event during the burst %s, %d log bytes (%.0f per bad message)%n", this.hostile.generated(),
					this.hostile.delivered(), this.hostile.settled(), this.hostile.seconds(), this.hostile.lag(),
					this.hostile.logBytes(), (double) this.hostile.logBytes() / this.hostile.delivered()));
		}
		System.out.println(table);
	}

	private record HostileRow(int generated, long delivered, Map<String, Long> settled, long logBytes, double seconds,
			Map<String, String> lag) {
	}

	private record ScenarioRow(String scenario, long published, Map<String, Deployment.LedgerCheck> checks,
			long duplicates, long parked, Map<String, String> recovered, String health, int alive, int instances) {
	}

}
