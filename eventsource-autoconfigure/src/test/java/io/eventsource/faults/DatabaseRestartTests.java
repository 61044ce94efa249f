package io.eventsource.faults;

import java.time.Duration;

import io.eventsource.publish.EventPublisher;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
		int aggregates = 10;
		FaultEvents.withListener(Database.POSTGRESQL, topology, this.prefix, aggregates, (context, jdbc) -> {
			PacedLoad.Publishing load = PacedLoad.publish(context.getBean(EventPublisher.class), this.prefix,
					aggregates, 1500, Duration.ofMillis(5));
			load.awaitPublished(200);
			try {
				TestServices.restartPostgres();
			}
			finally {
				// whatever happened, the server must answer for the next tests
				TestServices.restartPostgresIfDown();
			}
			int committed = FaultEvents.awaitCommittedAppliedOnceInOrder(jdbc, this.prefix, load, aggregates,
					Duration.ofSeconds(60));
			FaultReport.record("PostgreSQL server restarted under load (" + topology + ")", committed,
					FaultEvents.appliedCount(jdbc, this.prefix), FaultReport.consumed(context, "duplicate"), 0,
					load.failures().size() + " publishes failed cleanly during the restart");
		});
	}

}
