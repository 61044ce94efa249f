package io.eventsource.topology;

/**
 * The kind of RabbitMQ queue the partitions of the partitioned topology are.
 */
public enum PartitionQueueType {

	/**
	 * Classic durable queues: the fastest on one broker node.
	 */
	CLASSIC,

	/**
	 * Quorum queues, replicated over the nodes of a RabbitMQ cluster: the choice where a
	 * broker node may fail.
	 */
	QUORUM

}
