package io.eventsource.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The real services the integration tests talk to: those on localhost when they answer,
 * otherwise Testcontainers when a Docker engine is available, otherwise a failure that
 * says how to start them. Nothing is ever skipped for lack of a service.
 */
public final class TestServices {

	private static final Map<Service, Endpoint> endpoints = new ConcurrentHashMap<>();

	private TestServices() {
	}

	/**
	 * The databases the store is tested on.
	 */
	public enum Database {

		POSTGRESQL, MARIADB

	}

	enum Service {

		RABBITMQ("RabbitMQ", 5672), REDIS("Redis", 6379), POSTGRESQL("PostgreSQL", 5432), MARIADB("MariaDB", 3306);

		final String displayName;

		final int port;

		Service(String displayName, int port) {
			this.displayName = displayName;
			this.port = port;
		}

	}

	/**
	 * Returns the Spring properties that connect to RabbitMQ, Redis and a database.
	 * @param database the database
	 * @return the properties, as {@code name=value}
	 */
	public static String[] properties(Database database) {
		List<String> properties = new ArrayList<>();
		properties.addAll(rabbitProperties());
		properties.addAll(redisProperties());
		properties.addAll(databaseProperties(database));
		return properties.toArray(String[]::new);
	}

	public static List<String> rabbitProperties() {
		Endpoint rabbit = endpoint(Service.RABBITMQ);
		return List.of("spring.rabbitmq.host=" + rabbit.host(), "spring.rabbitmq.port=" + rabbit.port(),
				"spring.rabbitmq.username=guest", "spring.rabbitmq.password=guest");
	}

	public static List<String> redisProperties() {
		Endpoint redis = endpoint(Service.REDIS);
		return List.of("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port());
	}

	public static List<String> databaseProperties(Database database) {
		return List.of("spring.datasource.url=" + jdbcUrl(database), "spring.datasource.username=" + username(database),
				"spring.datasource.password=", "spring.datasource.hikari.maximum-pool-size=12");
	}

	public static String jdbcUrl(Database database) {
		return switch (database) {
			case POSTGRESQL -> {
				Endpoint endpoint = endpoint(Service.POSTGRESQL);
				yield "jdbc:postgresql://" + endpoint.host() + ":" + endpoint.port() + "/test";
			}
			case MARIADB -> {
				Endpoint endpoint = endpoint(Service.MARIADB);
				yield "jdbc:mariadb://" + endpoint.host() + ":" + endpoint.port() + "/test";
			}
		};
	}

	public static String username(Database database) {
		return (database == Database.POSTGRESQL) ? "postgres" : "root";
	}

	/**
	 * Returns the RabbitMQ endpoint, for the plain client.
	 * @return host and AMQP port
	 */
	public static Endpoint rabbit() {
		return endpoint(Service.RABBITMQ);
	}

	/**
	 * Returns the base URL of the RabbitMQ management HTTP API.
	 * @return the URL
	 */
	public static String rabbitManagementUrl() {
		Endpoint rabbit = endpoint(Service.RABBITMQ);
		return "http://" + rabbit.host() + ":" + rabbit.managementPort() + "/api";
	}

	/**
	 * Returns a random suffix of lower-case letters, for names no other test uses.
	 * @return the suffix
	 */
	public static String randomSuffix() {
		StringBuilder suffix = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			suffix.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
		}
		return suffix.toString();
	}

	/**
	 * Returns an aggregate type no other test uses.
	 * @param prefix a readable prefix
	 * @return the aggregate type
	 */
	public static String aggregateType(String prefix) {
		return prefix + randomSuffix().toUpperCase(Locale.ROOT).charAt(0) + randomSuffix();
	}

	private static Endpoint endpoint(Service service) {
		return endpoints.computeIfAbsent(service, TestServices::locate);
	}

	private static Endpoint locate(Service service) {
		if (answers("127.0.0.1", service.port)) {
			return new Endpoint("127.0.0.1", service.port, 15672);
		}
		if (dockerAvailable()) {
			return Containers.start(service);
		}
		throw new IllegalStateException(service.displayName + " does not answer on 127.0.0.1:" + service.port
				+ " and no Docker engine is available for Testcontainers. Start the services with "
				+ "'bash scripts/services.sh' (this machine's own servers) or 'docker compose up -d' (compose.yaml), "
				+ "then run the tests again.");
	}

	/**
	 * Runs {@code rabbitmqctl} on the broker the tests use: the local one, or inside its
	 * container.
	 * @param arguments the arguments, for example {@code stop_app}
	 */
	public static void rabbitmqctl(String... arguments) {
		endpoint(Service.RABBITMQ);
		List<String> command = new ArrayList<>();
		command.add("rabbitmqctl");
		command.addAll(List.of(arguments));
		try {
			if (Containers.rabbit != null) {
				Containers.rabbit.execInContainer(command.toArray(String[]::new));
				return;
			}
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes());
			if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("rabbitmqctl " + String.join(" ", arguments) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns whether Redis answers on its port.
	 * @return {@code true} when it does
	 */
	public static boolean redisAnswers() {
		Endpoint redis = endpoint(Service.REDIS);
		return answers(redis.host(), redis.port());
	}

	/**
	 * Makes Redis unreachable: the local one is shut down, a container is paused.
	 */
	public static void stopRedis() {
		Endpoint redis = endpoint(Service.REDIS);
		if (Containers.redis != null) {
			DockerClientFactory.instance().client().pauseContainerCmd(Containers.redis.getContainerId()).exec();
			return;
		}
		command("redis-cli", "-h", redis.host(), "-p", Integer.toString(redis.port()), "shutdown", "nosave");
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !redisAnswers());
	}

	/**
	 * Brings Redis back: the local one with the project's services script (which starts
	 * whatever does not answer), a container is unpaused. Does nothing when it answers.
	 */
	/**
	 * Restarts PostgreSQL: the local server with a fast shutdown (every connection is
	 * cut), or its container; returns once it answers again.
	 */
	public static void restartPostgres() {
		if (Containers.postgres != null) {
			DockerClientFactory.instance().client().restartContainerCmd(Containers.postgres.getContainerId()).exec();
		}
		else {
			String[] versions = new java.io.File("/etc/postgresql").list();
			if (versions == null || versions.length == 0) {
				throw new IllegalStateException("No local PostgreSQL cluster under /etc/postgresql to restart");
			}
			command("pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "restart", "-m", "fast");
		}
		Endpoint postgres = endpoint(Service.POSTGRESQL);
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(60))
			.until(() -> answers(postgres.host(), postgres.port()));
	}

	/**
	 * Starts the local PostgreSQL server if it does not answer (after a restart that
	 * failed half-way).
	 */
	public static void restartPostgresIfDown() {
		Endpoint postgres = endpoint(Service.POSTGRESQL);
		if (Containers.postgres == null && !answers(postgres.host(), postgres.port())) {
			command("bash", new java.io.File("../scripts/services.sh").getAbsolutePath());
		}
	}

	public static void startRedis() {
		if (Containers.redis != null) {
			DockerClientFactory.instance().client().unpauseContainerCmd(Containers.redis.getContainerId()).exec();
			return;
		}
		if (!redisAnswers()) {
			command("bash", new java.io.File("../scripts/services.sh").getAbsolutePath());
		}
	}

	private static void command(String... command) {
		run(Duration.ofSeconds(120), command);
	}

	/**
	 * Runs a command on this machine and returns its output.
	 * @param timeout the longest it may take
	 * @param command the command and its arguments
	 * @return its output, standard error included
	 * @throws IllegalStateException if it fails, exits with another status than 0, or
	 * takes longer
	 */
	public static String run(Duration timeout, String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
					|| process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + String.join(" ", command), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public static boolean rabbitAnswers() {
		Endpoint rabbit = endpoint(Service.RABBITMQ);
		return answers(rabbit.host(), rabbit.port());
	}

	/**
	 * Returns whether a TCP port on a host accepts connections within a second.
	 * @param host the host
	 * @param port the port
	 * @return whether it does
	 */
	public static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Where a service answers.
	 *
	 * @param host the host
	 * @param port the main port
	 * @param managementPort the management HTTP port (RabbitMQ only)
	 */
	public record Endpoint(String host, int port, int managementPort) {
	}

	/**
	 * One container per service for the whole test run, started on first use.
	 */
	private static final class Containers {

		static volatile RabbitMQContainer rabbit;

		static volatile GenericContainer<?> redis;

		static volatile PostgreSQLContainer postgres;

		static Endpoint start(Service service) {
			return switch (service) {
				case RABBITMQ -> {
					RabbitMQContainer rabbit = new RabbitMQContainer(DockerImageName.parse("rabbitmq:3.13-management"));
					rabbit.start();
					Containers.rabbit = rabbit;
					yield new Endpoint(rabbit.getHost(), rabbit.getAmqpPort(), rabbit.getHttpPort());
				}
				case REDIS -> {
					GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7"))
						.withExposedPorts(6379);
					redis.start();
					Containers.redis = redis;
					yield new Endpoint(redis.getHost(), redis.getMappedPort(6379), 0);
				}
				case POSTGRESQL -> {
					PostgreSQLContainer postgres = new PostgreSQLContainer(DockerImageName.parse("postgres:16"))
						.withDatabaseName("test")
						.withUsername("postgres")
						.withPassword("")
						.withEnv("POSTGRES_HOST_AUTH_METHOD", "trust");
					postgres.start();
					Containers.postgres = postgres;
					yield new Endpoint(postgres.getHost(), postgres.getMappedPort(5432), 0);
				}
				case MARIADB -> {
					MariaDBContainer mariadb = new MariaDBContainer(DockerImageName.parse("mariadb:10.11"))
						.withDatabaseName("test")
						.withUsername("root")
						.withPassword("");
					mariadb.start();
					yield new Endpoint(mariadb.getHost(), mariadb.getMappedPort(3306), 0);
				}
			};
		}

	}

}
