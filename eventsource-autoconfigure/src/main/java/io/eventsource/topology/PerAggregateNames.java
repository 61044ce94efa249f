package io.eventsource.topology;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * The names and arguments of the per-aggregate topology, shared by the relay that
 * declares them and the listeners that consume them, so both declare identical queues.
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
	 * The arguments of a service's aggregate ids queue: {@code x-expires}, so that the
	 * queue of a service that went away is deleted once nothing has consumed it for that
	 * long, and, unless {@code maxLength} is {@code 0}, {@code x-max-length}, past which
	 * the broker drops the oldest announcements (its default overflow, drop-head). Both
	 * can also be set by a RabbitMQ policy ({@code expires}, {@code max-length}) on a
	 * queue declared without them.
	 * @param expiry how long the queue lives without a consumer, at most
	 * {@link Integer#MAX_VALUE} milliseconds
	 * @param maxLength the most announcements ready in the queue, {@code 0} for no limit
	 * @return the arguments
	 */
	public static Map<String, Object> aggregateIdsQueueArguments(Duration expiry, int maxLength) {
		Assert.isTrue(expiry.toMillis() > 0 && expiry.toMillis() <= Integer.MAX_VALUE,
				() -> "The aggregate ids queue expiry must be between 1 ms and " + Duration.ofMillis(Integer.MAX_VALUE)
						+ ", not " + expiry);
		Assert.isTrue(maxLength >= 0, () -> "The aggregate ids queue length limit must not be negative: " + maxLength);
		Map<String, Object> arguments = new LinkedHashMap<>();
		arguments.put("x-expires", (int) expiry.toMillis());
		if (maxLength > 0) {
			arguments.put("x-max-length", maxLength);
		}
		return Collections.unmodifiableMap(arguments);
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
