package io.eventsource.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.JdbcProjection;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The events and the handler the fault tests share with their child processes.
 */
final class FaultEvents {

	static final String AGGREGATE_TYPE = "FaultTestOrder";

	static final String TABLE = "fault_test_applied";

	private FaultEvents() {
	}

	/**
	 * Creates the table the ledger writes to (PostgreSQL).
	 * @param jdbc the database
	 */
	static void createTable(JdbcTemplate jdbc) {
		createTable(jdbc, Database.POSTGRESQL);
	}

	/**
	 * Creates the ledger's table on a database.
	 * @param jdbc the database
	 * @param database which database it is
	 */
	static void createTable(JdbcTemplate jdbc, Database database) {
		jdbc.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
				+ ((database == Database.POSTGRESQL) ? "id BIGSERIAL PRIMARY KEY"
						: "id BIGINT AUTO_INCREMENT PRIMARY KEY")
				+ ", instance VARCHAR(16) NOT NULL, aggregate_id VARCHAR(128) NOT NULL, sequence BIGINT NOT NULL)");
	}

	/**
	 * Returns the sequences applied per aggregate, in the order they were applied.
	 * @param jdbc the database
	 * @param prefix the prefix of the test's aggregate ids
	 * @return the sequences by aggregate id
	 */
	static Map<String, List<Long>> appliedByAggregate(JdbcTemplate jdbc, String prefix) {
		Map<String, List<Long>> applied = new TreeMap<>();
		for (Map<String, Object> row : jdbc.queryForList(
				"SELECT aggregate_id, sequence FROM " + TABLE + " WHERE aggregate_id LIKE ? ORDER BY id",
				prefix + "%")) {
			applied.computeIfAbsent((String) row.get("aggregate_id"), (id) -> new ArrayList<>())
				.add(((Number) row.get("sequence")).longValue());
		}
		return applied;
	}

	/**
	 * Returns how many events were applied.
	 * @param jdbc the database
	 * @param prefix the prefix of the test's aggregate ids
	 * @return the count
	 */
	static int appliedCount(JdbcTemplate jdbc, String prefix) {
		return appliedByAggregate(jdbc, prefix).values().stream().mapToInt(List::size).sum();
	}

	/**
	 * Asserts that every aggregate applied its events once each, from sequence 1 on, in
	 * order.
	 * @param applied the sequences by aggregate id
	 */
	static void assertOnceInOrder(Map<String, List<Long>> applied) {
		applied.forEach((id, sequences) -> assertThat(sequences).as("aggregate %s", id)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, sequences.size()).boxed().toList()));
	}

	/**
	 * Deletes what a test left: the ledger's rows, the events, the inbox rows, the
	 * registry entry, and the queues and exchanges of its aggregates.
	 * @param context a context of the test, for Redis
	 * @param jdbc the database
	 * @param topology the topology of the test
	 * @param service the listening service
	 * @param prefix the prefix of the test's aggregate ids
	 * @param aggregateIds the test's aggregate ids
	 */
	static void cleanUp(ApplicationContext context, JdbcTemplate jdbc, TestTopology topology, String service,
			String prefix, List<String> aggregateIds) {
		jdbc.update("DELETE FROM " + TABLE + " WHERE aggregate_id LIKE ?", prefix + "%");
		TestCleanUp.deleteService(context, jdbc, topology, AGGREGATE_TYPE, service, aggregateIds, prefix + "%");
	}

	/**
	 * Waits until the rows of the test's aggregates in the outbox can be counted again
	 * (after an outage of the database) and returns their count.
	 * @param jdbc the database
	 * @param prefix the prefix of the test's aggregate ids
	 * @param atMost how long to wait
	 * @return how many events were committed
	 */
	static int awaitCommitted(JdbcTemplate jdbc, String prefix, Duration atMost) {
		return await().atMost(atMost)
			.ignoreExceptions()
			.until(() -> jdbc.queryForObject(
					"SELECT COUNT(*) FROM public_messages WHERE topic = ? AND aggregate_id LIKE ?", Integer.class,
					AGGREGATE_TYPE, prefix + "%"), (count) -> true);
	}

	/**
	 * Waits for a load that a database outage hit to end, and checks what the outage may
	 * and may not do: the publishes it caught in flight failed with Spring's data access
	 * or transaction exception (and none failed otherwise), every publish that succeeded
	 * committed, and every committed event is applied once, in order, within two minutes
	 * ({@link #awaitAppliedOnceInOrder}).
	 * @param jdbc the database
	 * @param prefix the prefix of the test's aggregate ids
	 * @param load the load under way
	 * @param aggregates how many aggregates the load publishes to
	 * @param commitTimeout how long the outbox may take to answer again
	 * @return how many events committed
	 * @throws Exception if the load did not end within two minutes
	 */
	static int awaitCommittedAppliedOnceInOrder(JdbcTemplate jdbc, String prefix, PacedLoad.Publishing load,
			int aggregates, Duration commitTimeout) throws Exception {
		load.done().get(2, TimeUnit.MINUTES);
		assertThat(load.failures()).allSatisfy((failure) -> assertThat(failure)
			.isInstanceOfAny(DataAccessException.class, TransactionException.class));
		int committed = awaitCommitted(jdbc, prefix, commitTimeout);
		assertThat(committed).isGreaterThanOrEqualTo(load.published().get());
		awaitAppliedOnceInOrder(jdbc, prefix, committed, aggregates, Duration.ofSeconds(120));
		return committed;
	}

	/**
	 * Waits until exactly the expected number of events are applied (and stay so for a
	 * second), then asserts every aggregate applied its events once, in order.
	 * @param jdbc the database
	 * @param prefix the prefix of the test's aggregate ids
	 * @param expected how many events must be applied
	 * @param aggregates how many aggregates they belong to
	 * @param atMost how long to wait
	 * @return the applied sequences by aggregate id
	 */
	static Map<String, List<Long>> awaitAppliedOnceInOrder(JdbcTemplate jdbc, String prefix, int expected,
			int aggregates, Duration atMost) {
		await().atMost(atMost)
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> appliedCount(jdbc, prefix) >= expected);
		await().during(Duration.ofSeconds(1)).ignoreExceptions().until(() -> appliedCount(jdbc, prefix) == expected);
		Map<String, List<Long>> applied = appliedByAggregate(jdbc, prefix);
		assertThat(applied).hasSize(aggregates);
		assertOnceInOrder(applied);
		return applied;
	}

	/**
	 * Returns the runner of a listening service of the fault suites: the fast timings,
	 * the test's topology, a ledger that records what it applies under an instance name,
	 * and meters of its own.
	 * @param database the database
	 * @param service the service name
	 * @param topology the topology of the test
	 * @param instance the instance name the ledger records
	 * @return the runner
	 */
	static ApplicationContextRunner listener(Database database, String service, TestTopology topology,
			String instance) {
		return EventSourceContexts.fastRunner(database, topology, service)
			.withBean(Ledger.class, () -> new Ledger(instance, -1))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
	}

	/**
	 * Runs a fault test against a listening service {@code billing-…} of the fault suites
	 * ({@link #listener}), once the ledger's table exists and the service consumes.
	 * Afterwards, also when the test failed, it waits until the database answers again
	 * (the test may have cut it off) and deletes what the test left ({@link #cleanUp})
	 * for the aggregates {@code prefix0} to {@code prefix(aggregates-1)}.
	 * @param database the database
	 * @param topology the topology of the test
	 * @param prefix the prefix of the test's aggregate ids
	 * @param aggregates how many aggregates the test uses
	 * @param test the test
	 */
	static void withListener(Database database, TestTopology topology, String prefix, int aggregates,
			ListenerTest test) {
		String billing = "billing-" + TestServices.randomSuffix();
		listener(database, billing, topology, "billing").run((listener) -> {
			JdbcTemplate jdbc = new JdbcTemplate(listener.getBean(DataSource.class));
			createTable(jdbc, database);
			try {
				TestTopology.awaitConsuming(listener);
				test.run(listener, jdbc);
			}
			finally {
				// a pool may still hand out a connection the test cut off
				await().atMost(Duration.ofSeconds(60))
					.ignoreExceptions()
					.until(() -> jdbc.queryForObject("SELECT 1", Integer.class) == 1);
				cleanUp(listener, jdbc, topology, billing, prefix, aggregateIds(prefix, aggregates));
			}
		});
	}

	/**
	 * Returns the runner of a publishing service of the fault suites: the fast timings
	 * and the test's topology, listening switched off.
	 * @param database the database
	 * @param topology the topology of the test
	 * @return the runner
	 */
	static ApplicationContextRunner publisher(Database database, TestTopology topology) {
		return EventSourceContexts.fastRunner(database, topology, "orders-" + TestServices.randomSuffix())
			.withPropertyValues("eventsource.listener.enabled=false");
	}

	/**
	 * Returns the aggregate ids {@code prefix0} to {@code prefix(n-1)}.
	 * @param prefix the prefix
	 * @param n how many
	 * @return the ids
	 */
	static List<String> aggregateIds(String prefix, int n) {
		return java.util.stream.IntStream.range(0, n).mapToObj((i) -> prefix + i).toList();
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record OrderPlaced(int n) {
	}

	/**
	 * A fault test run by {@link #withListener}.
	 */
	@FunctionalInterface
	interface ListenerTest {

		/**
		 * Runs the test.
		 * @param listener the listening service, consuming
		 * @param jdbc its database, with the ledger's table
		 * @throws Exception on failure
		 */
		void run(AssertableApplicationContext listener, JdbcTemplate jdbc) throws Exception;

	}

	/**
	 * Inserts a row per event in the listener's transaction. Before the insert of event
	 * {@code hangOn}, it prints {@code IN_HANDLER n} and hangs, so that a test can kill
	 * its process in the middle of the handler.
	 */
	static class Ledger extends JdbcProjection {

		private final String instance;

		private final int hangOn;

		Ledger(String instance, int hangOn) {
			this.instance = instance;
			this.hangOn = hangOn;
		}

		@EventSourceListener(projection = "ledger")
		void placed(OrderPlaced event, EventMetadata metadata) throws InterruptedException {
			this.jdbc.update("INSERT INTO " + TABLE + " (instance, aggregate_id, sequence) VALUES (?, ?, ?)",
					this.instance, metadata.aggregateId(), metadata.sequence());
			if (event.n() == this.hangOn) {
				System.out.println("IN_HANDLER " + event.n());
				System.out.flush();
				// until the test kills this process
				new CountDownLatch(1).await(2, TimeUnit.MINUTES);
			}
		}

	}

}
