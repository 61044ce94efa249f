package io.eventsource.topology.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The topology's meter: {@code eventsource.topology.declarations}, by aggregate type,
 * kind ({@code exchange} or {@code queue}) and mode ({@code declare}: the reply awaited;
 * {@code renew}: an object known to exist declared again without waiting).
 */
final class TopologyMetrics {

	private final MeterRegistry registry;

	TopologyMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void declared(String aggregateType, String kind) {
		declared(aggregateType, kind, false);
	}

	void declared(String aggregateType, String kind, boolean renewal) {
		Counter.builder("eventsource.topology.declarations")
			.description("Exchanges and queues declared by the relay")
			.tag("aggregate.type", aggregateType)
			.tag("kind", kind)
			.tag("mode", renewal ? "renew" : "declare")
			.register(this.registry)
			.increment();
	}

}
