package io.eventsource.listen;

import java.time.Duration;
import java.time.Instant;

import io.eventsource.envelope.EventMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The listener's meters: {@code eventsource.consumed.events} by outcome,
 * {@code eventsource.handler.duration} and {@code eventsource.delivery.latency} (from the
 * event's publish to its handler's commit), tagged by aggregate type, service and
 * projection.
 */
public class ListenerMetrics {

	private final MeterRegistry registry;

	private final String service;

	public ListenerMetrics(MeterRegistry registry, String service) {
		this.registry = registry;
		this.service = service;
	}

	void consumed(EventMetadata metadata, String projection, DispatchOutcome outcome) {
		Counter.builder("eventsource.consumed.events")
			.description("Events delivered to this service, by outcome")
			.tag("aggregate.type", metadata.aggregateType())
			.tag("service", this.service)
			.tag("projection", projection)
			.tag("outcome", outcome.tagValue())
			.register(this.registry)
			.increment();
	}

	void handled(EventMetadata metadata, String projection, Duration duration, Instant now) {
		Timer.builder("eventsource.handler.duration")
			.description("Time to apply an event: position lock, handler and ack row")
			.tag("aggregate.type", metadata.aggregateType())
			.tag("service", this.service)
			.tag("projection", projection)
			.register(this.registry)
			.record(duration);
		Timer.builder("eventsource.delivery.latency")
			.description("Time from publish to the handler's commit")
			.tag("aggregate.type", metadata.aggregateType())
			.tag("service", this.service)
			.tag("projection", projection)
			.register(this.registry)
			.record(Duration.between(metadata.occurredAt(), now));
	}

	MeterRegistry registry() {
		return this.registry;
	}

	String service() {
		return this.service;
	}

}
