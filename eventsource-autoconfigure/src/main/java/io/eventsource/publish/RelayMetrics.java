package io.eventsource.publish;

import java.time.Duration;
import java.time.Instant;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.topology.SendOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The relay's meters: {@code eventsource.relay.events} by aggregate type and outcome, and
 * {@code eventsource.relay.lag}, the time from publish to the broker's confirm.
 */
public class RelayMetrics {

	private final MeterRegistry registry;

	public RelayMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void relayed(EventMetadata metadata, SendOutcome outcome, Instant now) {
		count(metadata, outcome.tagValue());
		if (outcome == SendOutcome.CONFIRMED) {
			Timer.builder("eventsource.relay.lag")
				.description("Time from publish to the broker's confirm")
				.tag("aggregate.type", metadata.aggregateType())
				.register(this.registry)
				.record(Duration.between(metadata.occurredAt(), now));
		}
	}

	/**
	 * Counts an event sent behind an unconfirmed predecessor of its aggregate: not
	 * marked, sent again later.
	 */
	void heldBack(EventMetadata metadata, SendOutcome outcome) {
		count(metadata, (outcome == SendOutcome.CONFIRMED) ? "held-back" : outcome.tagValue());
	}

	private void count(EventMetadata metadata, String outcome) {
		Counter.builder("eventsource.relay.events")
			.description("Events handed to the broker, by outcome")
			.tag("aggregate.type", metadata.aggregateType())
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

}
