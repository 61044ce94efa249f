package io.eventsource.faults;

import java.time.Duration;
import java.util.List;

import io.eventsource.publish.EventPublisher;
import io.eventsource.test.RunningContexts;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

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
		int aggregates = 10;
		FaultEvents.withListener(database, topology, this.prefix, aggregates, (listener, jdbc) -> {
			// closed before the clean-up, with the listener still running
			try (RunningContexts services = new RunningContexts()) {
				AssertableApplicationContext orders = services.start(FaultEvents.publisher(database, topology));
				PacedLoad.Publishing publishing = PacedLoad.publish(orders.getBean(EventPublisher.class), this.prefix,
						aggregates, 400, Duration.ofMillis(3));
				publishing.awaitPublished(100);
				int terminated = terminateConnections(database);
				publishing.awaitPublished(250);
				terminated += terminateConnections(database);
				int committed = FaultEvents.awaitCommittedAppliedOnceInOrder(jdbc, this.prefix, publishing, aggregates,
						Duration.ofSeconds(30));
				assertThat(terminated).isPositive();
				FaultReport.record(database + " connections terminated twice under load (" + topology + ")", committed,
						FaultEvents.appliedCount(jdbc, this.prefix), FaultReport.consumed(listener, "duplicate"), 0,
						terminated + " connections ended, " + publishing.failures().size()
								+ " publishes failed cleanly");
			}
		});
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
