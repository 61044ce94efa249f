package io.eventsource.publish.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Map<String, Timer> lags = new ConcurrentHashMap<>();

	public RelayMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void relayed(EventMetadata metadata, SendOutcome outcome, Instant now) {
		count(metadata, outcome.tagValue());
		if (outcome == SendOutcome.CONFIRMED) {
			this.lags
				.computeIfAbsent(metadata.aggregateType(),
						(aggregateType) -> Timer.builder("eventsource.relay.lag")
							.description("Time from publish to the broker's confirm")
							.tag("aggregate.type", aggregateType)
							.register(this.registry))
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
		this.counters
			.computeIfAbsent(metadata.aggregateType() + "\u0000" + outcome,
					(key) -> Counter.builder("eventsource.relay.events")
						.description("Events handed to the broker, by outcome")
						.tag("aggregate.type", metadata.aggregateType())
						.tag("outcome", outcome)
						.register(this.registry))
			.increment();
	}

}
