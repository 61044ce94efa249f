package io.eventsource.listen;

import java.util.Map;

import com.rabbitmq.client.AMQP;
import io.eventsource.envelope.CloudEventsAmqpBinding;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.InvalidEventHeadersException;
import org.jspecify.annotations.Nullable;

/**
 * One delivery, with its metadata read once.
 */
final class Delivery {

	private final long deliveryTag;

	private final boolean redelivered;

	private final byte[] body;

	private final @Nullable EventMetadata metadata;

	private final @Nullable String headerError;

	private final AMQP.BasicProperties properties;

	Delivery(long deliveryTag, boolean redelivered, AMQP.BasicProperties properties, byte[] body) {
		this.deliveryTag = deliveryTag;
		this.redelivered = redelivered;
		this.body = body;
		this.properties = properties;
		EventMetadata metadata = null;
		String error = null;
		try {
			Map<String, Object> headers = (properties.getHeaders() != null) ? properties.getHeaders() : Map.of();
			metadata = CloudEventsAmqpBinding.fromHeaders(headers);
		}
		catch (InvalidEventHeadersException ex) {
			error = ex.getMessage();
		}
		this.metadata = metadata;
		this.headerError = error;
	}

	long deliveryTag() {
		return this.deliveryTag;
	}

	boolean redelivered() {
		return this.redelivered;
	}

	byte[] body() {
		return this.body;
	}

	@Nullable EventMetadata metadata() {
		return this.metadata;
	}

	@Nullable String headerError() {
		return this.headerError;
	}

	AMQP.BasicProperties properties() {
		return this.properties;
	}

	long sequence() {
		return (this.metadata != null) ? this.metadata.sequence() : Long.MAX_VALUE;
	}

	String describe() {
		EventMetadata metadata = this.metadata;
		return (metadata != null) ? metadata.aggregateType() + "-" + metadata.aggregateId() + " #" + metadata.sequence()
				+ " " + metadata.eventType() : "(not an event)";
	}

}
