package io.eventsource.listen.internal.dispatch;

import java.util.Map;

import com.rabbitmq.client.AMQP;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.envelope.internal.CloudEventsAmqpBinding;
import io.eventsource.envelope.internal.InvalidEventHeadersException;
import org.jspecify.annotations.Nullable;

/**
 * A message a queue of this service delivered, with its metadata read once: an event, or
 * a malformed message to park. Headers that do not make an event (missing or invalid
 * CloudEvents attributes, or an aggregate type, aggregate id or event type no producer
 * could have published) leave it without metadata, with the error.
 */
public final class ReceivedMessage {

	/** The longest event type, the length of its columns. */
	private static final int MAX_EVENT_TYPE_LENGTH = 255;

	private final long deliveryTag;

	private final boolean redelivered;

	private final byte[] body;

	private final @Nullable EventMetadata metadata;

	private final @Nullable String headerError;

	private final AMQP.BasicProperties properties;

	/**
	 * Failed attempts to park this delivery as malformed; a lane hands it to one batch at
	 * a time, under its monitor.
	 */
	private int parkingFailures;

	public ReceivedMessage(long deliveryTag, boolean redelivered, AMQP.BasicProperties properties, byte[] body) {
		this.deliveryTag = deliveryTag;
		this.redelivered = redelivered;
		this.body = body;
		this.properties = properties;
		EventMetadata metadata = null;
		String error = null;
		try {
			Map<String, Object> headers = (properties.getHeaders() != null) ? properties.getHeaders() : Map.of();
			metadata = CloudEventsAmqpBinding.fromHeaders(headers);
			error = invalidNames(metadata);
			if (error != null) {
				metadata = null;
			}
		}
		catch (InvalidEventHeadersException ex) {
			error = ex.getMessage();
		}
		this.metadata = metadata;
		this.headerError = error;
	}

	/**
	 * Returns what makes the names of an event unusable: the queue, table and meter names
	 * built from them would be invalid or unbounded. The error does not quote them.
	 */
	private static @Nullable String invalidNames(EventMetadata metadata) {
		try {
			AggregateNames.requireAggregateType(metadata.aggregateType());
		}
		catch (IllegalArgumentException ex) {
			return "Invalid CloudEvents attribute 'aggregatetype': not an aggregate type (a letter, then letters, "
					+ "digits or '_', at most " + AggregateNames.MAX_AGGREGATE_TYPE_LENGTH + " characters)";
		}
		try {
			AggregateNames.requireAggregateId(metadata.aggregateId());
		}
		catch (IllegalArgumentException ex) {
			return "Invalid CloudEvents attribute 'subject': not an aggregate id (at most "
					+ AggregateNames.MAX_AGGREGATE_ID_BYTES + " bytes, no whitespace or control characters)";
		}
		String eventType = metadata.eventType();
		if (eventType.length() > MAX_EVENT_TYPE_LENGTH || eventType.chars().anyMatch(Character::isISOControl)) {
			return "Invalid CloudEvents attribute 'type': not an event type (at most " + MAX_EVENT_TYPE_LENGTH
					+ " characters, no control characters)";
		}
		return null;
	}

	public long deliveryTag() {
		return this.deliveryTag;
	}

	public boolean redelivered() {
		return this.redelivered;
	}

	public byte[] body() {
		return this.body;
	}

	public @Nullable EventMetadata metadata() {
		return this.metadata;
	}

	public @Nullable String headerError() {
		return this.headerError;
	}

	AMQP.BasicProperties properties() {
		return this.properties;
	}

	public long sequence() {
		return (this.metadata != null) ? this.metadata.sequence() : Long.MAX_VALUE;
	}

	/**
	 * Counts a failed attempt to park this delivery as malformed.
	 * @return the failed attempts so far, this one included
	 */
	int failedToPark() {
		return ++this.parkingFailures;
	}

	public String describe() {
		EventMetadata metadata = this.metadata;
		return (metadata != null) ? metadata.aggregateType() + "-" + metadata.aggregateId() + " #" + metadata.sequence()
				+ " " + metadata.eventType() : "(not an event)";
	}

}
