package io.eventsource.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.eventsource.actuate.internal.EventSourceHealthIndicator;
import io.eventsource.autoconfigure.EventSourceHealthContributorAutoConfiguration;
import io.eventsource.listen.internal.peraggregate.PerAggregateListenerContainer;
import io.eventsource.publish.EventPublisher;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.FastTimings;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault suite's Redis outage: Redis is shut down while events flow and started again
 * by the project's own services script. The relay goes on with the live services it knew,
 * the listener goes on consuming, health shows the outage, and heartbeats resume.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisOutageTests {

	private final String prefix = TestServices.randomSuffix() + "-";

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void relayAndListenerGoOnWhileRedisIsDownAndHeartbeatsResumeAfter(TestTopology topology, CapturedOutput output) {
		Database database = Database.POSTGRESQL;
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 5;
		EventSourceContexts.runner(database, billing)
			.withConfiguration(AutoConfigurations.of(EventSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues(FastTimings.PROPERTIES)
			.withPropertyValues(topology.properties())
			// the health sees the outage when a registry command fails: after this
			// timeout
			// (Lettuce's default is 60 s); the relay never waits on it
			.withPropertyValues("eventsource.registry.cache-ttl=1s", "spring.data.redis.timeout=2s")
			.withBean(FaultEvents.Ledger.class, () -> new FaultEvents.Ledger("billing", -1))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				FaultEvents.createTable(jdbc);
				try {
					TestTopology.awaitConsuming(context);
					EventPublisher publisher = context.getBean(EventPublisher.class);
					int published = 0;
					for (; published < 50; published++) {
						publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + (published % aggregates),
								new FaultEvents.OrderPlaced(published));
					}
					await().atMost(Duration.ofSeconds(60))
						.until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == 50);
					stopRedis();
					try {
						// 4 s of events, so that the relay's cache entries expire during
						// the outage
						int from = published;
						PacedLoad
							.start(200, Duration.ofMillis(20), (i) -> publisher.publish(FaultEvents.AGGREGATE_TYPE,
									this.prefix + ((from + i) % aggregates), new FaultEvents.OrderPlaced(from + i)))
							.get(1, TimeUnit.MINUTES);
						published += 200;
						int publishedDuringOutage = published;
						// applied while Redis is still down
						await().atMost(Duration.ofSeconds(20))
							.until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == publishedDuringOutage);
						// the health sees the outage when the heartbeat or the relay use
						// the registry: the partitioned topology uses neither
						if (topology == TestTopology.PER_AGGREGATE) {
							await().atMost(Duration.ofSeconds(20))
								.until(() -> context.getBean(EventSourceHealthIndicator.class).health(true),
										(health) -> String.valueOf(health.getDetails().get("registry"))
											.startsWith("unreachable since"));
						}
					}
					finally {
						startRedis();
					}
					Instant restarted = Instant.now();
					PerAggregateListenerContainer perAggregate = context.getBean(PerAggregateListenerContainer.class);
					if (topology == TestTopology.PER_AGGREGATE) {
						await().atMost(Duration.ofSeconds(30))
							.until(() -> perAggregate.lastHeartbeat() != null
									&& perAggregate.lastHeartbeat().isAfter(restarted));
						// a relay may have counted the service gone while it could not
						// heartbeat: what it sent to nobody comes from the producers'
						// logs
						await().atMost(Duration.ofSeconds(10))
							.until(() -> output.getOut()
								.contains("Catching up from the producers' logs after the " + "registry outage"));
					}
					else {
						// the partitioned topology never needs the registry
						assertThat(perAggregate.isRunning()).isFalse();
					}
					for (int i = 0; i < 50; i++, published++) {
						publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + (published % aggregates),
								new FaultEvents.OrderPlaced(published));
					}
					int total = published;
					await().atMost(Duration.ofSeconds(60))
						.until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == total);
					Map<String, List<Long>> applied = FaultEvents.appliedByAggregate(jdbc, this.prefix);
					FaultEvents.assertOnceInOrder(applied);
					FaultReport.record("Redis shut down and started under load (" + topology + ")", total,
							FaultEvents.appliedCount(jdbc, this.prefix), FaultReport.consumed(context, "duplicate"), 0,
							(topology == TestTopology.PER_AGGREGATE)
									? "relay used its last known services; heartbeats resumed"
									: "no registry on the way of an event");
				}
				finally {
					startRedis();
					FaultEvents.cleanUp(context, jdbc, topology, billing, this.prefix,
							FaultEvents.aggregateIds(this.prefix, aggregates));
				}
			});
	}

	private static void stopRedis() {
		TestServices.stopRedis();
	}

	private static void startRedis() {
		TestServices.startRedis();
		await().atMost(Duration.ofSeconds(60)).until(TestServices::redisAnswers);
	}

}
