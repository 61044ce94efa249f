package io.eventsource.actuate.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;

import io.eventsource.autoconfigure.EventSourceHealthContributorAutoConfiguration;
import io.eventsource.publish.EventPublisher;
import io.eventsource.registry.RegistryStatus;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.registry.internal.CachingServiceRegistry;
import io.eventsource.registry.internal.RedisServiceRegistry;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link EventSourceHealthIndicator} on the real services. The outbox table is
 * shared with other tests, so the backlog is asserted relative to what this test adds.
 */
class EventSourceHealthIndicatorIntegrationTests {

	private final String aggregateType = TestServices.aggregateType("Health");

	@Test
	void upWithBrokerAndRegistryDownWhenTheBacklogIsTooOld() {
		EventSourceContexts.runner(Database.POSTGRESQL, "catalog")
			.withConfiguration(AutoConfigurations.of(EventSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues("eventsource.relay.enabled=false", "eventsource.health.backlog-age-threshold=500ms")
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
				try {
					EventSourceHealthIndicator indicator = context.getBean(EventSourceHealthIndicator.class);
					Health before = indicator.health(true);
					assertThat(before.getDetails()).containsEntry("broker", "connected")
						.containsEntry("registry", "reachable")
						.containsKey("outbox.backlog");
					long backlog = (long) before.getDetails().get("outbox.backlog");
					context.getBean(EventPublisher.class).publish(this.aggregateType, "1", new Checked(1));
					Health after = indicator.health(true);
					assertThat((long) after.getDetails().get("outbox.backlog")).isGreaterThanOrEqualTo(backlog + 1);
					await().atMost(Duration.ofSeconds(10))
						.until(() -> indicator.health(true).getStatus().equals(Status.DOWN));
					assertThat(indicator.health(true).getDetails()).containsKey("outbox");
				}
				finally {
					TestCleanUp.deleteEvents(jdbc, this.aggregateType);
				}
			});
	}

	@Test
	void downWhenTheBrokerIsUnreachableAndTheRegistryOutageShows() {
		EventSourceContexts.runner(Database.POSTGRESQL, "catalog")
			.withPropertyValues("eventsource.relay.enabled=false")
			.run((context) -> {
				CachingConnectionFactory deadBroker = new CachingConnectionFactory("127.0.0.1", 1);
				LettuceConnectionFactory deadRedis = new LettuceConnectionFactory(
						new RedisStandaloneConfiguration("127.0.0.1", 1),
						LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(1)).build());
				deadRedis.afterPropertiesSet();
				deadRedis.start();
				try {
					CachingServiceRegistry registry = new CachingServiceRegistry(
							new RedisServiceRegistry(new StringRedisTemplate(deadRedis), "eventsource",
									Duration.ofSeconds(30), Clock.systemUTC()),
							Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30),
							Clock.systemUTC());
					assertThatExceptionOfType(RuntimeException.class)
						.isThrownBy(() -> registry.liveServices(this.aggregateType));
					EventSourceHealthIndicator indicator = new EventSourceHealthIndicator(
							context.getBean(PublicMessageRepository.class), deadBroker, registry, Duration.ofDays(365),
							Clock.systemUTC());
					Health health = indicator.health(true);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat((String) health.getDetails().get("broker")).startsWith("unreachable");
					assertThat((String) health.getDetails().get("registry")).startsWith("unreachable since");
				}
				finally {
					deadBroker.destroy();
					deadRedis.destroy();
				}
			});
	}

	@Test
	void aRegistryOfTheUsersOwnShowsTheStatusItReports() {
		Instant since = Instant.parse("2026-01-01T00:00:00Z");
		ServiceRegistry reporting = new OwnRegistry(
				RegistryStatus.unreachable(since, new IllegalStateException("away")));
		healthWith(reporting, (health) -> assertThat(health.getDetails()).containsEntry("registry",
				"unreachable since 2026-01-01T00:00:00Z: IllegalStateException: away"));
		healthWith(new OwnRegistry(null),
				(health) -> assertThat(health.getDetails()).doesNotContainKey("registry").containsKey("broker"));
	}

	private void healthWith(ServiceRegistry registry, java.util.function.Consumer<Health> check) {
		EventSourceContexts.runner(Database.POSTGRESQL, "catalog")
			.withConfiguration(AutoConfigurations.of(EventSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues("eventsource.relay.enabled=false")
			.withBean(ServiceRegistry.class, () -> registry)
			.run((context) -> check.accept(context.getBean(EventSourceHealthIndicator.class).health(true)));
	}

	/**
	 * A registry a user brings, which may or may not report its status.
	 */
	private record OwnRegistry(@org.jspecify.annotations.Nullable RegistryStatus status) implements ServiceRegistry {

		@Override
		public Set<String> liveServices(String aggregateType) {
			return Set.of();
		}

		@Override
		public void heartbeat(String service, Collection<String> aggregateTypes) {
		}

	}

	record Checked(int value) {
	}

}
