package io.eventsource.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.eventsource.publish.EventPublisher;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The PostgreSQL server restarted (a fast shutdown cuts every connection) while events
 * are published and applied: the publishes that hit the outage fail cleanly, and every
 * event that committed is relayed and applied once, in order per aggregate, without
 * restarting the application.
 */
class DatabaseRestartTests {

	private final String prefix = TestServices.randomSuffix() + "-";

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void postgresRestartedUnderLoad(TestTopology topology) throws Exception {
		Database database = Database.POSTGRESQL;
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 10;
		int total = 1500;
		FaultEvents.listener(database, billing, topology, "billing").run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			FaultEvents.createTable(jdbc, database);
			try {
				TestTopology.awaitConsuming(context);
				EventPublisher publisher = context.getBean(EventPublisher.class);
				PacedLoad.Publishing load = PacedLoad.publish(publisher, this.prefix, aggregates, total,
						Duration.ofMillis(5));
				AtomicInteger published = load.published();
				Queue<RuntimeException> failures = load.failures();
				await().atMost(Duration.ofSeconds(60)).until(() -> published.get() >= 200);
				try {
					TestServices.restartPostgres();
				}
				finally {
					// whatever happened, the server must answer for the next tests
					TestServices.restartPostgresIfDown();
				}
				load.done().get(2, TimeUnit.MINUTES);
				// publishes in flight when the connections were cut fail; none may
				// fail
				// otherwise
				assertThat(failures).allSatisfy((failure) -> assertThat(failure)
					.isInstanceOfAny(DataAccessException.class, TransactionException.class));
				int committed = FaultEvents.awaitCommitted(jdbc, this.prefix, Duration.ofSeconds(60));
				assertThat(committed).isGreaterThanOrEqualTo(published.get());
				Map<String, List<Long>> applied = FaultEvents.awaitAppliedOnceInOrder(jdbc, this.prefix, committed,
						aggregates, Duration.ofSeconds(120));
				FaultReport.record("PostgreSQL server restarted under load (" + topology + ")", committed,
						applied.values().stream().mapToInt(List::size).sum(),
						FaultReport.consumed(context, "duplicate"), 0,
						failures.size() + " publishes failed cleanly during the restart");
			}
			finally {
				await().atMost(Duration.ofSeconds(60))
					.ignoreExceptions()
					.until(() -> jdbc.queryForObject("SELECT 1", Integer.class) == 1);
				FaultEvents.cleanUp(context, jdbc, topology, billing, this.prefix,
						FaultEvents.aggregateIds(this.prefix, aggregates));
			}
		});
	}

}
