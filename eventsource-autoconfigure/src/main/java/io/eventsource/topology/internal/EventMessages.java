package io.eventsource.topology.internal;

import java.nio.charset.StandardCharsets;
import java.util.Date;

import com.rabbitmq.client.AMQP;
import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.CloudEventsAmqpBinding;

/**
 * Builds the AMQP message of an event: the JSON payload as body, the CloudEvents
 * attributes as headers, persistent, with the event id as AMQP {@code message-id}.
 */
public final class EventMessages {

	private static final int PERSISTENT = 2;

	private EventMessages() {
	}

	/**
	 * Returns the AMQP properties of an event.
	 * @param metadata the event's metadata
	 * @return the properties
	 */
	public static AMQP.BasicProperties properties(EventMetadata metadata) {
		return new AMQP.BasicProperties.Builder().contentType(CloudEventsAmqpBinding.CONTENT_TYPE)
			.contentEncoding(StandardCharsets.UTF_8.name())
			.deliveryMode(PERSISTENT)
			.messageId(metadata.eventId().toString())
			.timestamp(Date.from(metadata.occurredAt()))
			.headers(CloudEventsAmqpBinding.toHeaders(metadata))
			.build();
	}

	/**
	 * Returns the AMQP body of an event.
	 * @param envelope the event
	 * @return the UTF-8 bytes of its payload
	 */
	public static byte[] body(EventEnvelope envelope) {
		return envelope.payload().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Returns the properties of a persistent message with no headers, for announcements.
	 * @return the properties
	 */
	public static AMQP.BasicProperties persistent() {
		return new AMQP.BasicProperties.Builder().deliveryMode(PERSISTENT).build();
	}

}
