package io.eventsource.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.eventsource.publish.EventPublisher;
import io.eventsource.test.RunningContexts;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault suite's database outage: every PostgreSQL connection of the publishing and
 * the listening service is terminated, twice, while events are published. A publish
 * caught by it fails with Spring's data access or transaction exception; the relay and
 * the listener resume by themselves, and every committed event is applied once, in order.
 */
class DatabaseOutageTests {

	private final String prefix = TestServices.randomSuffix() + "-";

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withTheOtherDatabases")
	void terminatedConnectionsFailThePublishesInFlightAndEverythingCommittedIsAppliedOnceInOrder(Database database,
			TestTopology topology) throws Exception {
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 10;
		int total = 400;
		try (RunningContexts services = new RunningContexts()) {
			AssertableApplicationContext listener = services
				.start(FaultEvents.listener(database, billing, topology, "billing"));
			AssertableApplicationContext orders = services.start(FaultEvents.publisher(database, topology));
			JdbcTemplate jdbc = new JdbcTemplate(listener.getBean(DataSource.class));
			FaultEvents.createTable(jdbc, database);
			try {
				TestTopology.awaitConsuming(listener);
				EventPublisher publisher = orders.getBean(EventPublisher.class);
				PacedLoad.Publishing publishing = PacedLoad.publish(publisher, this.prefix, aggregates, total,
						Duration.ofMillis(3));
				AtomicInteger published = publishing.published();
				Queue<RuntimeException> failures = publishing.failures();
				await().atMost(Duration.ofSeconds(60)).until(() -> published.get() >= 100);
				int terminated = terminateConnections(database);
				await().atMost(Duration.ofSeconds(60)).until(() -> published.get() >= 250);
				terminated += terminateConnections(database);
				publishing.done().get(2, TimeUnit.MINUTES);
				assertThat(terminated).isPositive();
				assertThat(failures).allSatisfy((failure) -> assertThat(failure)
					.isInstanceOfAny(DataAccessException.class, TransactionException.class));
				JdbcTemplate fresh = new JdbcTemplate(listener.getBean(DataSource.class));
				int committed = FaultEvents.awaitCommitted(fresh, this.prefix, Duration.ofSeconds(30));
				assertThat(committed).isGreaterThanOrEqualTo(published.get());
				Map<String, List<Long>> applied = FaultEvents.awaitAppliedOnceInOrder(fresh, this.prefix, committed,
						aggregates, Duration.ofSeconds(120));
				FaultReport.record(database + " connections terminated twice under load (" + topology + ")", committed,
						applied.values().stream().mapToInt(List::size).sum(),
						FaultReport.consumed(listener, "duplicate"), 0,
						terminated + " connections ended, " + failures.size() + " publishes failed cleanly");
			}
			finally {
				services.closeAfter(listener);
				// the pool may still hand out a connection that was terminated
				await().atMost(Duration.ofSeconds(30))
					.ignoreExceptions()
					.until(() -> jdbc.queryForObject("SELECT 1", Integer.class) == 1);
				FaultEvents.cleanUp(listener, jdbc, topology, billing, this.prefix,
						FaultEvents.aggregateIds(this.prefix, aggregates));
			}
		}
	}

	private static int terminateConnections(Database database) {
		JdbcTemplate admin = new JdbcTemplate(new org.springframework.jdbc.datasource.DriverManagerDataSource(
				TestServices.jdbcUrl(database), TestServices.username(database), ""));
		if (database == Database.POSTGRESQL) {
			Integer terminated = admin.queryForObject("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
					+ "WHERE datname = current_database() AND pid <> pg_backend_pid()", Integer.class);
			return (terminated != null) ? terminated : 0;
		}
		List<Long> connections = admin.queryForList(
				"SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()",
				Long.class);
		int killed = 0;
		for (Long connection : connections) {
			try {
				admin.execute("KILL CONNECTION " + connection);
				killed++;
			}
			catch (org.springframework.dao.DataAccessException ex) {
				// gone in between
			}
		}
		return killed;
	}

}
