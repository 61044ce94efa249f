package io.eventsource.actuate.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import io.eventsource.listen.ListenerContainer;
import io.eventsource.registry.RegistryStatus;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.store.internal.OutboxBacklog;
import io.eventsource.store.internal.PublicMessageRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code eventsource} health: DOWN when the oldest unrelayed event is older than the
 * threshold, when the broker cannot be reached, or, for a listening service, when its
 * consumers do not run or its heartbeat is three intervals old. Details: the outbox
 * backlog (count and age of the oldest row), the broker, and the service registry. A
 * registry outage shows in the details without turning the health DOWN: the relay goes on
 * with the last known services meanwhile, and if relaying stops the backlog age says so.
 */
public class EventSourceHealthIndicator extends AbstractHealthIndicator {

	private final PublicMessageRepository outbox;

	private final ConnectionFactory connectionFactory;

	private final @Nullable ServiceRegistry registry;

	private final Duration backlogAgeThreshold;

	private final Clock clock;

	private final List<ListenerContainer> listeners;

	private final Duration heartbeatInterval;

	private final @Nullable Supplier<Map<String, Long>> parkedCounts;

	public EventSourceHealthIndicator(PublicMessageRepository outbox, ConnectionFactory connectionFactory,
			@Nullable ServiceRegistry registry, Duration backlogAgeThreshold, Clock clock) {
		this(outbox, connectionFactory, registry, backlogAgeThreshold, clock, ListeningHealth.NONE);
	}

	/**
	 * Creates the health indicator of a service that also listens.
	 * @param outbox the outbox
	 * @param connectionFactory the broker's connection factory
	 * @param registry the service registry, whose {@link ServiceRegistry#status() status}
	 * the details show, or {@code null}
	 * @param backlogAgeThreshold the age of the oldest unrelayed event past which health
	 * is DOWN
	 * @param clock the clock
	 * @param listening the listener containers, their heartbeat interval and the parked
	 * events to show
	 */
	public EventSourceHealthIndicator(PublicMessageRepository outbox, ConnectionFactory connectionFactory,
			@Nullable ServiceRegistry registry, Duration backlogAgeThreshold, Clock clock, ListeningHealth listening) {
		super("eventsource health check failed");
		this.outbox = outbox;
		this.connectionFactory = connectionFactory;
		this.registry = registry;
		this.backlogAgeThreshold = backlogAgeThreshold;
		this.clock = clock;
		this.listeners = listening.listeners();
		this.heartbeatInterval = listening.heartbeatInterval();
		this.parkedCounts = listening.parkedCounts();
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
		RegistryStatus status = (this.registry != null) ? this.registry.status() : null;
		if (status != null) {
			if (status.reachable()) {
				builder.withDetail("registry", "reachable");
			}
			else {
				builder.withDetail("registry", "unreachable since " + status.since() + ": " + status.error());
			}
		}
		List<ListenerContainer> running = this.listeners.stream().filter(ListenerContainer::isRunning).toList();
		if (running.isEmpty()) {
			return;
		}
		Map<String, Object> details = new LinkedHashMap<>();
		Set<String> aggregateTypes = new TreeSet<>();
		Map<String, Integer> consumers = new TreeMap<>();
		boolean consuming = true;
		Instant heartbeat = null;
		boolean heartbeats = false;
		for (ListenerContainer listener : running) {
			aggregateTypes.addAll(listener.aggregateTypes());
			consumers.putAll(listener.consumersByAggregateType());
			consuming = consuming && listener.isConsuming();
			if (listener.writesHeartbeats()) {
				heartbeats = true;
				heartbeat = listener.lastHeartbeat();
			}
		}
		details.put("aggregateTypes", aggregateTypes);
		details.put("consuming", consuming);
		details.put("aggregateConsumers", consumers);
		if (this.parkedCounts != null) {
			details.put("parked", this.parkedCounts.get());
		}
		Duration heartbeatAge = (heartbeat != null) ? Duration.between(heartbeat, now) : null;
		if (heartbeats) {
			details.put("heartbeatAge", (heartbeatAge != null) ? heartbeatAge.toString() : "none yet");
		}
		builder.withDetail("listener", details);
		if (!consuming
				|| (heartbeatAge != null && heartbeatAge.compareTo(this.heartbeatInterval.multipliedBy(3)) > 0)) {
			builder.down();
		}
	}

}
