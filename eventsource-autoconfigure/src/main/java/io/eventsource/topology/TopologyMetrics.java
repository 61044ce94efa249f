package io.eventsource.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The topology's meter: {@code eventsource.topology.declarations}, by aggregate type and
 * kind.
 */
final class TopologyMetrics {

	private final MeterRegistry registry;

	TopologyMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void declared(String aggregateType, String kind) {
		Counter.builder("eventsource.topology.declarations")
			.description("Exchanges and queues declared by the relay")
			.tag("aggregate.type", aggregateType)
			.tag("kind", kind)
			.register(this.registry)
			.increment();
	}

}
