package io.eventsource.replay.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import io.eventsource.envelope.internal.AggregateNames;
import org.jspecify.annotations.Nullable;

/**
 * Reads what a request for the events of one aggregate asks for from the headers of its
 * message. Anyone who can publish to {@value ReplayNames#EXCHANGE} can send one, so names
 * no aggregate could have are refused before any query, with a message that quotes them
 * abbreviated; nothing here touches the broker or the log.
 */
final class ReplayRequestHeaders {

	private ReplayRequestHeaders() {
	}

	/**
	 * Reads a request for the events of one aggregate from the headers of a message.
	 * @param properties the message's properties
	 * @return the request, or {@code null} when its headers are missing
	 * @throws IllegalArgumentException if they name no aggregate a producer could hold
	 * (the rules of {@link AggregateNames}), or no sequence; its message quotes them
	 * abbreviated
	 */
	static @Nullable ReplayRequest request(AMQP.BasicProperties properties) {
		Map<String, Object> headers = properties.getHeaders();
		if (headers == null) {
			return null;
		}
		Object type = headers.get(ReplayNames.AGGREGATE_TYPE);
		Object id = headers.get(ReplayNames.AGGREGATE_ID);
		Object from = headers.get(ReplayNames.FROM_SEQUENCE);
		Object to = headers.get(ReplayNames.TO_SEQUENCE);
		if (type == null || id == null || !(from instanceof Number fromNumber)) {
			return null;
		}
		// a valid id never fails the query (a NUL does on PostgreSQL) and logs bounded
		AggregateNames.requireAggregateType(type.toString());
		AggregateNames.requireAggregateId(id.toString());
		long toSequence = (to instanceof Number toNumber) ? toNumber.longValue() : 0;
		if (fromNumber.longValue() < 1 || toSequence < 0) {
			throw new IllegalArgumentException(
					"the sequences " + fromNumber.longValue() + ".." + toSequence + " are not those of a log");
		}
		return new ReplayRequest(type.toString(), id.toString(), fromNumber.longValue(), toSequence);
	}

	/**
	 * Returns the queue a request wants the end of the log in, when it wants it and says
	 * which request it is; a name no queue can have counts as none.
	 * @param properties the message's properties
	 * @return the queue, or {@code null} for none
	 */
	static @Nullable String logEndTo(AMQP.BasicProperties properties) {
		Map<String, Object> headers = properties.getHeaders();
		Object queue = (headers != null) ? headers.get(ReplayNames.LOG_END_TO) : null;
		if (queue == null || properties.getCorrelationId() == null) {
			return null;
		}
		String name = queue.toString();
		return (!name.isEmpty() && name.getBytes(StandardCharsets.UTF_8).length <= 255) ? name : null;
	}

}
