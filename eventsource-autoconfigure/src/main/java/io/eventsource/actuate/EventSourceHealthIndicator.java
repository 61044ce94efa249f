package io.eventsource.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.eventsource.registry.CachingServiceRegistry;
import io.eventsource.registry.CachingServiceRegistry.RegistryStatus;
import io.eventsource.store.OutboxBacklog;
import io.eventsource.store.OutboxRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code eventsource} health: DOWN when the oldest unrelayed event is older than the
 * threshold or when the broker cannot be reached. Details: the outbox backlog (count and
 * age of the oldest row), the broker, and the service registry. A registry outage shows
 * in the details without turning the health DOWN: the relay goes on with the last known
 * services meanwhile, and if relaying stops the backlog age says so.
 */
public class EventSourceHealthIndicator extends AbstractHealthIndicator {

	private final OutboxRepository outbox;

	private final ConnectionFactory connectionFactory;

	private final @Nullable CachingServiceRegistry registry;

	private final Duration backlogAgeThreshold;

	private final Clock clock;

	public EventSourceHealthIndicator(OutboxRepository outbox, ConnectionFactory connectionFactory,
			@Nullable CachingServiceRegistry registry, Duration backlogAgeThreshold, Clock clock) {
		super("eventsource health check failed");
		this.outbox = outbox;
		this.connectionFactory = connectionFactory;
		this.registry = registry;
		this.backlogAgeThreshold = backlogAgeThreshold;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up();
		Instant now = this.clock.instant();
		OutboxBacklog backlog = this.outbox.backlog();
		Duration age = backlog.oldestAge(now);
		builder.withDetail("outbox.backlog", backlog.count());
		builder.withDetail("outbox.oldestAge", age.toString());
		if (age.compareTo(this.backlogAgeThreshold) > 0) {
			builder.down().withDetail("outbox", "oldest unrelayed event is older than " + this.backlogAgeThreshold);
		}
		try (Connection connection = this.connectionFactory.createConnection()) {
			builder.withDetail("broker", connection.isOpen() ? "connected" : "closed");
			if (!connection.isOpen()) {
				builder.down();
			}
		}
		catch (RuntimeException ex) {
			builder.down().withDetail("broker", "unreachable: " + ex.getMessage());
		}
		if (this.registry != null) {
			RegistryStatus status = this.registry.status();
			if (status.reachable()) {
				builder.withDetail("registry", "reachable");
			}
			else {
				builder.withDetail("registry", "unreachable since " + status.since() + ": " + status.error());
			}
		}
	}

}
