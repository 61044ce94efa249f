package io.eventsource.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.eventsource.topology.PerAggregateNames;

/**
 * The broker names of the benchmark: the per-aggregate topology of one listening service,
 * {@value #SINK}, which the benchmark registers but never consumes for. The bare client
 * declares the same exchanges and queues, with the same arguments, under its own
 * aggregate types.
 */
final class BenchTopology {

	/** The service the benchmark registers as listening to its aggregate types. */
	static final String SINK = "bench-sink";

	private final Duration queueExpiry;

	private final boolean bareQuorum;

	BenchTopology(Duration queueExpiry, boolean bareQuorum) {
		this.queueExpiry = queueExpiry;
		this.bareQuorum = bareQuorum;
	}

	/**
	 * Returns the arguments of every per-aggregate queue, as the relay declares them.
	 * @return the arguments
	 */
	Map<String, Object> queueArguments() {
		return PerAggregateNames.aggregateQueueArguments(this.queueExpiry);
	}

	/**
	 * Returns the arguments of the bare client's queues ((a) and (d)): those of
	 * {@link #queueArguments()}, or quorum queues without an expiry when
	 * {@code bench.bare-quorum-queues} is set.
	 * @return the arguments
	 */
	Map<String, Object> bareQueueArguments() {
		if (!this.bareQuorum) {
			return queueArguments();
		}
		// no x-expires: a quorum queue declared with it was missing when the consumer
		// started on it (404) on a three-node cluster; the benchmark deletes them itself
		return Map.of("x-queue-type", "quorum");
	}

	String exchange(String aggregateType, String aggregateId) {
		return PerAggregateNames.aggregateExchange(aggregateType, aggregateId);
	}

	String queue(String aggregateType, String aggregateId) {
		return PerAggregateNames.aggregateQueue(aggregateType, aggregateId, SINK);
	}

	List<String> exchanges(String aggregateType, List<String> aggregateIds) {
		return aggregateIds.stream().map((id) -> exchange(aggregateType, id)).toList();
	}

	List<String> queues(String aggregateType, List<String> aggregateIds) {
		return aggregateIds.stream().map((id) -> queue(aggregateType, id)).toList();
	}

	/**
	 * Returns the fanout exchange that announces an aggregate type's ids.
	 * @param aggregateType the aggregate type
	 * @return the exchange name
	 */
	String announcements(String aggregateType) {
		return PerAggregateNames.aggregateIdsExchange(aggregateType);
	}

	/**
	 * Returns the sink's queue on the announcements exchange, which counts the
	 * announcements.
	 * @param aggregateType the aggregate type
	 * @return the queue name
	 */
	String announcementQueue(String aggregateType) {
		return PerAggregateNames.aggregateIdsQueue(aggregateType, SINK);
	}

}
