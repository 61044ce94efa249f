package io.eventsource.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import io.eventsource.actuate.EventSourceHealthIndicator;
import io.eventsource.autoconfigure.EventSourceHealthContributorAutoConfiguration;
import io.eventsource.listen.PerAggregateListenerContainer;
import io.eventsource.publish.EventPublisher;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.topology.PerAggregateNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault suite's Redis outage: Redis is shut down while events flow and started again
 * by the project's own services script. The relay goes on with the live services it knew,
 * the listener goes on consuming, health shows the outage, and heartbeats resume.
 */
class RedisOutageTests {

	private final String prefix = TestServices.randomSuffix() + "-";

	@Test
	void relayAndListenerGoOnWhileRedisIsDownAndHeartbeatsResumeAfter() {
		Database database = Database.POSTGRESQL;
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 5;
		EventSourceContexts.runner(database, billing)
			.withConfiguration(AutoConfigurations.of(EventSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues(KillTests.LISTENER_PROPERTIES)
			// the health sees the outage when a registry command fails: after this
			// timeout
			// (Lettuce's default is 60 s); the relay never waits on it
			.withPropertyValues("eventsource.registry.cache-ttl=1s", "spring.data.redis.timeout=2s")
			.withBean(FaultEvents.Ledger.class, () -> new FaultEvents.Ledger("billing", -1))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				jdbc.execute("CREATE TABLE IF NOT EXISTS " + FaultEvents.TABLE + " (id BIGSERIAL PRIMARY KEY, "
						+ "instance VARCHAR(16) NOT NULL, aggregate_id VARCHAR(128) NOT NULL, sequence BIGINT NOT NULL)");
				try {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> context.getBean(PerAggregateListenerContainer.class).isConsuming());
					EventPublisher publisher = context.getBean(EventPublisher.class);
					int published = 0;
					for (; published < 50; published++) {
						publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + (published % aggregates),
								new FaultEvents.OrderPlaced(published));
					}
					await().atMost(Duration.ofSeconds(60)).until(() -> appliedCount(jdbc) == 50);
					Health during;
					stopRedis();
					try {
						long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
						while (System.nanoTime() < until) {
							publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + (published % aggregates),
									new FaultEvents.OrderPlaced(published));
							published++;
							Thread.sleep(20);
						}
						int publishedDuringOutage = published;
						// applied while Redis is still down
						await().atMost(Duration.ofSeconds(20)).until(() -> appliedCount(jdbc) == publishedDuringOutage);
						during = await().atMost(Duration.ofSeconds(20))
							.until(() -> context.getBean(EventSourceHealthIndicator.class).health(true),
									(health) -> String.valueOf(health.getDetails().get("registry"))
										.startsWith("unreachable since"));

					}
					finally {
						startRedis();
					}
					assertThat((String) during.getDetails().get("registry")).startsWith("unreachable since");
					Instant restarted = Instant.now();
					await().atMost(Duration.ofSeconds(30))
						.until(() -> context.getBean(PerAggregateListenerContainer.class).lastHeartbeat() != null
								&& context.getBean(PerAggregateListenerContainer.class)
									.lastHeartbeat()
									.isAfter(restarted));
					for (int i = 0; i < 50; i++, published++) {
						publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + (published % aggregates),
								new FaultEvents.OrderPlaced(published));
					}
					int total = published;
					await().atMost(Duration.ofSeconds(60)).until(() -> appliedCount(jdbc) == total);
					Map<String, List<Long>> applied = applied(jdbc);
					applied.forEach((id, sequences) -> assertThat(sequences).as("aggregate %s", id)
						.containsExactlyElementsOf(LongStream.rangeClosed(1, sequences.size()).boxed().toList()));
					FaultReport.record("Redis shut down and started under load", total, appliedCount(jdbc),
							FaultReport.consumed(context, "duplicate"), 0,
							"relay used its last known services; heartbeats resumed");
				}
				finally {
					startRedis();
					cleanUp(context, jdbc, billing, aggregates);
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

	private int appliedCount(JdbcTemplate jdbc) {
		return applied(jdbc).values().stream().mapToInt(List::size).sum();
	}

	private Map<String, List<Long>> applied(JdbcTemplate jdbc) {
		Map<String, List<Long>> applied = new TreeMap<>();
		for (Map<String, Object> row : jdbc.queryForList(
				"SELECT aggregate_id, sequence FROM " + FaultEvents.TABLE + " WHERE aggregate_id LIKE ? ORDER BY id",
				this.prefix + "%")) {
			applied.computeIfAbsent((String) row.get("aggregate_id"), (id) -> new ArrayList<>())
				.add(((Number) row.get("sequence")).longValue());
		}
		return applied;
	}

	private void cleanUp(org.springframework.context.ApplicationContext context, JdbcTemplate jdbc, String billing,
			int aggregates) {
		jdbc.update("DELETE FROM " + FaultEvents.TABLE + " WHERE aggregate_id LIKE ?", this.prefix + "%");
		jdbc.update("DELETE FROM public_messages WHERE topic = ? AND aggregate_id LIKE ?", FaultEvents.AGGREGATE_TYPE,
				this.prefix + "%");
		jdbc.update("DELETE FROM aggregate_sequences WHERE aggregate_type = ? AND aggregate_id LIKE ?",
				FaultEvents.AGGREGATE_TYPE, this.prefix + "%");
		jdbc.update("DELETE FROM message_acks WHERE service = ?", billing);
		jdbc.update("DELETE FROM projection_positions WHERE service = ?", billing);
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> context.getBean(StringRedisTemplate.class)
				.opsForZSet()
				.remove("eventsource:services:" + FaultEvents.AGGREGATE_TYPE, billing) != null);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			for (int i = 0; i < aggregates; i++) {
				String aggregate = this.prefix + i;
				rabbit.deleteQueue(PerAggregateNames.aggregateQueue(FaultEvents.AGGREGATE_TYPE, aggregate, billing));
				rabbit.deleteExchange(PerAggregateNames.aggregateExchange(FaultEvents.AGGREGATE_TYPE, aggregate));
			}
			rabbit.deleteQueue(PerAggregateNames.aggregateIdsQueue(FaultEvents.AGGREGATE_TYPE, billing));
		}
	}

}
