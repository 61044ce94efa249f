package io.eventsource.listen.internal.partitioned;

import java.time.Duration;
import java.util.Map;

import io.eventsource.topology.PartitionQueueType;
import io.eventsource.topology.PartitionedNames;

import org.springframework.util.Assert;

/**
 * How a service consumes the partitioned topology.
 *
 * @param partitions the partition queues of an aggregate type without an override
 * @param partitionsByType the partition queues by aggregate type
 * @param queueType the kind of partition queue
 * @param prefetch the unacknowledged deliveries per partition queue, which bounds the
 * events of a partition in progress or held back behind a retried one
 * @param rebalanceInterval how often an instance compares the partitions it is the active
 * consumer of with its fair share, and hands the surplus to the other instances
 */
public record PartitionSettings(int partitions, Map<String, Integer> partitionsByType, PartitionQueueType queueType,
		int prefetch, Duration rebalanceInterval) {

	public PartitionSettings {
		PartitionedNames.checkPartitions(partitions);
		partitionsByType.values().forEach(PartitionedNames::checkPartitions);
		Assert.isTrue(prefetch > 0, "'prefetch' must be positive");
		partitionsByType = Map.copyOf(partitionsByType);
	}

	/**
	 * Returns the number of partitions of an aggregate type.
	 * @param aggregateType the aggregate type
	 * @return its number of partitions
	 */
	public int partitionsOf(String aggregateType) {
		return this.partitionsByType.getOrDefault(aggregateType, this.partitions);
	}

}
