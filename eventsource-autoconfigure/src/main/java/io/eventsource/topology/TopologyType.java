package io.eventsource.topology;

/**
 * The topologies events of an aggregate type can travel through. A producer and every
 * service that listens to an aggregate type must use the same one for it.
 */
public enum TopologyType {

	/**
	 * An exchange and a queue per aggregate and listening service, announced on
	 * {@code {Type}AggregateIds}. Needs the Redis registry; queues expire when nobody
	 * consumes them.
	 */
	PER_AGGREGATE,

	/**
	 * A durable exchange {@code {Type}} and, per listening service, a fixed set of
	 * durable partition queues {@code {Type}.{service}.{k}}; aggregates are routed to a
	 * partition by a stable hash of their id. No queue churn and no registry on the way
	 * of an event.
	 */
	PARTITIONED

}
