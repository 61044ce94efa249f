package io.eventsource.topology;

import java.time.Duration;
import java.util.Map;

/**
 * The names and arguments of the per-aggregate topology (seed 0), shared by the relay
 * that declares them and the listeners that consume them, so both declare identical
 * queues.
 */
public final class PerAggregateNames {

	private PerAggregateNames() {
	}

	/**
	 * The durable fanout exchange that announces aggregate ids:
	 * {@code {Type}AggregateIds}.
	 * @param aggregateType the aggregate type
	 * @return the exchange name
	 */
	public static String aggregateIdsExchange(String aggregateType) {
		return aggregateType + "AggregateIds";
	}

	/**
	 * The durable queue of one service on the aggregate ids exchange:
	 * {@code {Type}AggregateIds-{service}}.
	 * @param aggregateType the aggregate type
	 * @param service the service name
	 * @return the queue name
	 */
	public static String aggregateIdsQueue(String aggregateType, String service) {
		return aggregateIdsExchange(aggregateType) + "-" + service;
	}

	/**
	 * The auto-delete exchange of one aggregate: {@code {Type}-{aggregateId}}.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return the exchange name
	 */
	public static String aggregateExchange(String aggregateType, String aggregateId) {
		return aggregateType + "-" + aggregateId;
	}

	/**
	 * The queue of one service for one aggregate: {@code {Type}-{aggregateId}-{service}}.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param service the service name
	 * @return the queue name
	 */
	public static String aggregateQueue(String aggregateType, String aggregateId, String service) {
		return aggregateExchange(aggregateType, aggregateId) + "-" + service;
	}

	/**
	 * The arguments of every per-aggregate queue: {@code x-expires} and
	 * {@code x-single-active-consumer}. Relay and listeners must declare the queue with
	 * exactly these, or the broker refuses the second declaration.
	 * @param queueExpiry how long an unused queue lives
	 * @return the arguments
	 */
	public static Map<String, Object> aggregateQueueArguments(Duration queueExpiry) {
		return Map.of("x-expires", Math.toIntExact(queueExpiry.toMillis()), "x-single-active-consumer", true);
	}

}
