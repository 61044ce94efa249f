package io.eventsource.topology.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.SendOutcome;
import io.eventsource.topology.SendOutcomes;
import io.eventsource.topology.TopologyType;

/**
 * Sends each event through the topology its aggregate type is configured for, keeping the
 * order of the events of each aggregate.
 */
public class TopologyRouter implements EventTopology, AutoCloseable {

	private final AggregateTopologies topologies;

	private final Map<TopologyType, EventTopology> byType;

	/**
	 * Creates the router.
	 * @param topologies the topology of each aggregate type
	 * @param byType the implementation of each topology in use
	 */
	public TopologyRouter(AggregateTopologies topologies, Map<TopologyType, EventTopology> byType) {
		this.topologies = topologies;
		this.byType = new EnumMap<>(byType);
	}

	@Override
	public SendOutcomes send(List<EventEnvelope> events) {
		return publish(events).await();
	}

	@Override
	public Publishing publish(List<EventEnvelope> events) {
		Map<TopologyType, List<EventEnvelope>> split = new LinkedHashMap<>();
		for (EventEnvelope event : events) {
			split.computeIfAbsent(this.topologies.of(event.metadata().aggregateType()), (type) -> new ArrayList<>())
				.add(event);
		}
		List<Publishing> publishings = new ArrayList<>();
		SendOutcomes unrouted = new SendOutcomes();
		split.forEach((type, typed) -> {
			EventTopology topology = this.byType.get(type);
			if (topology != null) {
				publishings.add(topology.publish(typed));
			}
			else {
				// not configured: the events wait in the outbox (startup refuses this)
				typed.stream()
					.map(EventEnvelope::metadata)
					.map(EventMetadata::eventId)
					.forEach((eventId) -> unrouted.put(eventId, SendOutcome.FAILED));
			}
		});
		return Publishing.of(() -> {
			SendOutcomes result = new SendOutcomes();
			result.putAll(unrouted);
			for (Publishing publishing : publishings) {
				result.putAll(publishing.await());
			}
			return result;
		}, () -> publishings.stream().allMatch(Publishing::isSettled));
	}

	@Override
	public void close() throws Exception {
		for (EventTopology topology : this.byType.values()) {
			if (topology instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}
	}

}
