package io.eventsource.faults;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.eventsource.publish.EventPublisher;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.RunningContexts;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import io.eventsource.topology.PerAggregateNames;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault suite's kills: a process is killed with {@code SIGKILL} (no shutdown hook, no
 * graceful stop) in the middle of its work, and every event is still applied exactly once
 * per projection, in order.
 */
class KillTests {

	private final String prefix = TestServices.randomSuffix() + "-";

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withDatabases")
	void aConsumerKilledInTheMiddleOfAHandlerLeavesTheEventToTheSurvivorWhichAppliesItOnce(Database database,
			TestTopology topology) throws Exception {
		String billing = "billing-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "1";
		try (RunningContexts services = new RunningContexts()) {
			AssertableApplicationContext orders = services
				.start(EventSourceContexts.fastRunner(database, topology, "orders-" + TestServices.randomSuffix()));
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			FaultEvents.createTable(jdbc, database);
			ChildProcess child = ChildProcess.start(ListenerProcess.class, billing, List.of("2"),
					properties(database, topology));
			try {
				child.await("READY", Duration.ofSeconds(90));
				EventPublisher publisher = orders.getBean(EventPublisher.class);
				publisher.publish(FaultEvents.AGGREGATE_TYPE, aggregate, new FaultEvents.OrderPlaced(1));
				await().atMost(Duration.ofSeconds(60)).until(() -> applied(jdbc).size() == 1);
				publisher.publish(FaultEvents.AGGREGATE_TYPE, aggregate, new FaultEvents.OrderPlaced(2));
				child.await("IN_HANDLER 2", Duration.ofSeconds(60));
				AssertableApplicationContext survivor = services
					.start(FaultEvents.listener(database, billing, topology, "survivor"));
				TestTopology.awaitConsuming(survivor);
				child.kill();
				// the announcement of the aggregate went to the killed instance: the
				// stream goes on, and the next events announce it again
				AtomicInteger published = new AtomicInteger(2);
				boolean caughtUp = true;
				try {
					await().atMost(Duration.ofSeconds(60))
						.pollDelay(Duration.ZERO)
						.pollInterval(Duration.ofSeconds(2))
						.until(() -> {
							if (applied(jdbc).size() >= published.get()) {
								return true;
							}
							if (published.get() < 6) {
								publisher.publish(FaultEvents.AGGREGATE_TYPE, aggregate,
										new FaultEvents.OrderPlaced(published.incrementAndGet()));
							}
							return false;
						});
				}
				catch (ConditionTimeoutException ex) {
					caughtUp = false;
				}
				int expected = published.get();
				if (!caughtUp) {
					throw new AssertionError(notApplied(jdbc, database, topology, billing, aggregate));
				}
				await().during(Duration.ofSeconds(1)).until(() -> applied(jdbc).size() == expected);
				List<Map<String, Object>> rows = applied(jdbc);
				assertThat(rows).extracting((row) -> ((Number) row.get("sequence")).longValue())
					.containsExactlyElementsOf(LongStream.rangeClosed(1, expected).boxed().toList());
				// the killed instance's insert of event 2 rolled back with its
				// transaction
				assertThat(rows).extracting((row) -> row.get("instance"))
					.containsExactlyElementsOf(
							Stream.concat(Stream.of("child"), Stream.generate(() -> "survivor").limit(expected - 1))
								.toList());
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM message_acks WHERE service = ? AND status = 'ok'",
						Integer.class, billing))
					.isEqualTo(expected);
				FaultReport.record(
						"kill -9 of a consumer in the middle of a handler (" + database + ", " + topology + ")",
						expected, rows.size(), FaultReport.consumed(survivor, "duplicate"), 0,
						"survivor took the aggregate, event redelivered");
			}
			finally {
				services.closeAfter(orders);
				child.kill();
				FaultEvents.cleanUp(orders, jdbc, topology, billing, this.prefix, List.of(aggregate));
			}
		}
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.faults.KillTests#classicTopologiesWithDatabases")
	void aPublisherKilledWhileItPublishesAndRelaysLeavesItsCommittedEventsToAnotherRelay(Database database,
			TestTopology topology) throws Exception {
		int aggregates = 5;
		FaultEvents.withListener(database, topology, this.prefix, aggregates, (listener, jdbc) -> {
			ChildProcess child = ChildProcess.start(PublisherProcess.class, "orders-" + TestServices.randomSuffix(),
					List.of(this.prefix, Integer.toString(aggregates)), properties(database, topology));
			try {
				child.await("PUBLISHED 150", Duration.ofSeconds(90));
				child.kill();
				// this context's relay (every instance relays the whole table) sends
				// what the killed one left
				Integer committed = jdbc.queryForObject(
						"SELECT COUNT(*) FROM public_messages WHERE topic = ? AND aggregate_id LIKE ?", Integer.class,
						FaultEvents.AGGREGATE_TYPE, this.prefix + "%");
				assertThat(committed).isGreaterThanOrEqualTo(150);
				Integer unrelayed = jdbc.queryForObject(
						"SELECT COUNT(*) FROM public_messages WHERE topic = ? "
								+ "AND aggregate_id LIKE ? AND relayed_at IS NULL",
						Integer.class, FaultEvents.AGGREGATE_TYPE, this.prefix + "%");
				System.out.println("Killed the publisher with " + committed + " events committed, " + unrelayed
						+ " of them not relayed yet");
				await().atMost(Duration.ofSeconds(90))
					.pollInterval(Duration.ofMillis(250))
					.until(() -> applied(jdbc).size() >= committed);
				await().during(Duration.ofSeconds(1)).until(() -> applied(jdbc).size() == committed);
				Map<String, List<Long>> sequences = FaultEvents.appliedByAggregate(jdbc, this.prefix);
				assertThat(sequences).hasSize(aggregates);
				FaultEvents.assertOnceInOrder(sequences);
				FaultReport.record(
						"kill -9 of a publisher while it publishes and relays (" + database + ", " + topology + ")",
						committed, applied(jdbc).size(), FaultReport.consumed(listener, "duplicate"), 0,
						unrelayed + " unrelayed at the kill, sent by another relay");
			}
			finally {
				child.kill();
			}
		});
	}

	/**
	 * Returns the classic topologies on alternating databases (the fault suites that take
	 * them give their neighbours {@link TestTopology#withTheOtherDatabases()}).
	 * @return the arguments (database, topology)
	 */
	static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> classicTopologiesWithDatabases() {
		return TestTopology.withDatabases()
			.filter((arguments) -> arguments.get()[1] != TestTopology.PARTITIONED_QUORUM);
	}

	private static String[] properties(Database database, TestTopology topology) {
		return Stream.concat(Arrays.stream(TestServices.properties(database)), Arrays.stream(topology.properties()))
			.toArray(String[]::new);
	}

	private String notApplied(JdbcTemplate jdbc, Database database, TestTopology topology, String billing,
			String aggregate) {
		String sessions = (database == Database.POSTGRESQL)
				? "SELECT pid, state, wait_event_type, left(query, 80) AS query "
						+ "FROM pg_stat_activity WHERE datname = current_database()"
				: "SELECT id, command, state, left(info, 80) AS query "
						+ "FROM information_schema.processlist WHERE db = DATABASE()";
		return "Not applied: " + applied(jdbc) + "; database sessions: " + jdbc.queryForList(sessions) + "; acks: "
				+ jdbc.queryForList("SELECT sequence, status, attempts, last_error FROM message_acks WHERE service = ?",
						billing)
				+ "; rows: " + jdbc
					.queryForList("SELECT sequence, relayed_at FROM public_messages WHERE aggregate_id = ?", aggregate)
				+ "; queue: " + queueState(topology, billing, aggregate);
	}

	private static String queueState(TestTopology topology, String billing, String aggregate) {
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			return rabbit.management("GET",
					"/queues/%2F/"
							+ RabbitTestClient.encode(topology.queueOf(FaultEvents.AGGREGATE_TYPE, aggregate, billing)),
					null)
					+ " ids: "
					+ rabbit.management("GET",
							"/queues/%2F/" + RabbitTestClient
								.encode(PerAggregateNames.aggregateIdsQueue(FaultEvents.AGGREGATE_TYPE, billing)),
							null);
		}
		catch (RuntimeException ex) {
			return "unknown: " + ex;
		}
	}

	private List<Map<String, Object>> applied(JdbcTemplate jdbc) {
		return jdbc.queryForList(
				"SELECT instance, sequence FROM " + FaultEvents.TABLE + " WHERE aggregate_id LIKE ? ORDER BY id",
				this.prefix + "%");
	}

	/**
	 * A {@link ListenerProcess} in a JVM of its own, on this JVM's class path, whose
	 * output lines the test can wait for.
	 */
	static final class ChildProcess {

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private ChildProcess(Process process) {
			this.process = process;
			Thread reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = in.readLine()) != null) {
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// the process is gone
				}
			}, "child-output");
			reader.setDaemon(true);
			reader.start();
		}

		static ChildProcess start(Class<?> main, String service, List<String> arguments, String[] properties)
				throws IOException {
			String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
			List<String> command = new ArrayList<>();
			command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
			command.add("-Xmx256m");
			command.add("-cp");
			command.add(classPath);
			command.add(main.getName());
			command.add(service);
			command.addAll(arguments);
			command.addAll(List.of(properties));
			return new ChildProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
		}

		void await(String expected, Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			List<String> seen = new ArrayList<>();
			while (System.nanoTime() < deadline) {
				String line = this.lines.poll(100, TimeUnit.MILLISECONDS);
				if (line == null) {
					if (!this.process.isAlive()) {
						break;
					}
					continue;
				}
				if (line.equals(expected)) {
					return;
				}
				seen.add(line);
			}
			throw new AssertionError(
					"The child process did not print '" + expected + "' within " + timeout + "; its last lines:\n"
							+ String.join("\n", seen.subList(Math.max(0, seen.size() - 40), seen.size())));
		}

		void kill() throws InterruptedException {
			if (this.process.isAlive()) {
				// SIGKILL: no shutdown hook runs, the broker connection just drops
				this.process.destroyForcibly();
				this.process.waitFor(30, TimeUnit.SECONDS);
			}
		}

	}

}
