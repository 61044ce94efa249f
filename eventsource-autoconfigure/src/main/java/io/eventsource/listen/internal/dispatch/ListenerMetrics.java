package io.eventsource.listen.internal.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.eventsource.envelope.EventMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * The listener's meters: {@code eventsource.consumed.events} by outcome,
 * {@code eventsource.handler.duration} and {@code eventsource.delivery.latency} (from the
 * event's publish to its handler's commit), tagged by aggregate type, service and
 * projection; {@code eventsource.listener.batch.events}, the events applied per database
 * transaction; {@code eventsource.messages.dropped}, the messages that are not events and
 * could not be parked, by reason.
 */
public class ListenerMetrics {

	private final MeterRegistry registry;

	private final String service;

	private final Map<Key, Counter> consumed = new ConcurrentHashMap<>();

	private final Map<Key, Timer> durations = new ConcurrentHashMap<>();

	private final Map<Key, Timer> latencies = new ConcurrentHashMap<>();

	private volatile @Nullable DistributionSummary batches;

	public ListenerMetrics(MeterRegistry registry, String service) {
		this.registry = registry;
		this.service = service;
	}

	void consumed(EventMetadata metadata, String projection, DispatchOutcome outcome) {
		this.consumed
			.computeIfAbsent(new Key(metadata.aggregateType(), projection, outcome.tagValue()),
					(key) -> Counter.builder("eventsource.consumed.events")
						.description("Events delivered to this service, by outcome")
						.tags(key.tags(this.service))
						.tag("outcome", key.outcome())
						.register(this.registry))
			.increment();
	}

	void handled(EventMetadata metadata, String projection, Duration duration, Instant now) {
		Key key = new Key(metadata.aggregateType(), projection, "");
		this.durations
			.computeIfAbsent(key,
					(k) -> Timer.builder("eventsource.handler.duration")
						.description("Time to apply an event: position lock, handler and ack row")
						.tags(k.tags(this.service))
						.register(this.registry))
			.record(duration);
		this.latencies
			.computeIfAbsent(key,
					(k) -> Timer.builder("eventsource.delivery.latency")
						.description("Time from publish to the handler's commit")
						.tags(k.tags(this.service))
						.register(this.registry))
			.record(Duration.between(metadata.occurredAt(), now));
	}

	public void batch(int events) {
		DistributionSummary summary = this.batches;
		if (summary == null) {
			summary = DistributionSummary.builder("eventsource.listener.batch.events")
				.description("Events applied in one database transaction")
				.tag("service", this.service)
				.register(this.registry);
			this.batches = summary;
		}
		summary.record(events);
	}

	void retried(EventMetadata metadata, String projection) {
		Counter.builder("eventsource.listener.retries")
			.description("Failed attempts of an event that will be tried again")
			.tag("aggregate.type", metadata.aggregateType())
			.tag("projection", projection)
			.tag("service", this.service)
			.register(this.registry)
			.increment();
	}

	void dropped(String aggregateType, String reason) {
		Counter.builder("eventsource.messages.dropped")
			.description(
					"Messages that are not eventsource events and could not be parked, so were acknowledged unparked")
			.tag("aggregate.type", aggregateType)
			.tag("reason", reason)
			.tag("service", this.service)
			.register(this.registry)
			.increment();
	}

	public void replayRequested(String aggregateType) {
		Counter.builder("eventsource.replay.requests")
			.description("Requests to the producers for the missing events of an aggregate")
			.tag("aggregate.type", aggregateType)
			.tag("service", this.service)
			.register(this.registry)
			.increment();
	}

	public MeterRegistry registry() {
		return this.registry;
	}

	String service() {
		return this.service;
	}

	private record Key(String aggregateType, String projection, String outcome) {

		Tags tags(String service) {
			return Tags.of("aggregate.type", this.aggregateType, "service", service, "projection", this.projection);
		}

	}

}
