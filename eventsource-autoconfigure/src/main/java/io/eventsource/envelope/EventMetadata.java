package io.eventsource.envelope;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Everything an event carries besides its payload: its identity, the aggregate it belongs
 * to and its place in that aggregate's sequence, its event type name, when it occurred,
 * the correlation and causation ids that tie it to the events it follows from, the
 * service that produced it, and the extra headers added by the publisher or by message
 * decorators.
 * <p>
 * Per aggregate (type and id), sequences are gap-free and start at 1. The event id is
 * unique across all events.
 *
 * @param eventId the unique id of the event
 * @param aggregateType the aggregate type, for example {@code Product}
 * @param aggregateId the aggregate id, for example {@code 123}
 * @param sequence the position of the event in its aggregate, from 1
 * @param eventType the stable event type name
 * @param occurredAt when the event was published
 * @param correlationId the id shared by every event of one flow; the first event's own id
 * @param causationId the id of the event this one responds to, or {@code null} for none
 * @param source the service that produced the event
 * @param headers extra headers (CloudEvents extension attributes), never {@code null}
 */
public record EventMetadata(UUID eventId, String aggregateType, String aggregateId, long sequence, String eventType,
		Instant occurredAt, String correlationId, @Nullable String causationId, String source,
		Map<String, String> headers) {

	/**
	 * The header naming the one service an event is meant for, as a command: listeners of
	 * every other service acknowledge it as ignored.
	 */
	public static final String TARGET_SERVICE_HEADER = "targetservice";

	public EventMetadata {
		Assert.notNull(eventId, "'eventId' must not be null");
		Assert.hasText(aggregateType, "'aggregateType' must not be empty");
		Assert.hasText(aggregateId, "'aggregateId' must not be empty");
		Assert.hasText(eventType, "'eventType' must not be empty");
		Assert.notNull(occurredAt, "'occurredAt' must not be null");
		Assert.hasText(correlationId, "'correlationId' must not be empty");
		Assert.hasText(source, "'source' must not be empty");
		headers = Map.copyOf(headers);
	}

	/**
	 * Returns the service the event is meant for, when it is a command to one service.
	 * @return the target service, or {@code null} for an event to every listener
	 */
	public @Nullable String targetService() {
		return this.headers.get(TARGET_SERVICE_HEADER);
	}

	/**
	 * Returns a copy of this metadata at the given sequence.
	 * @param sequence the sequence
	 * @return the copy
	 */
	public EventMetadata withSequence(long sequence) {
		return new EventMetadata(this.eventId, this.aggregateType, this.aggregateId, sequence, this.eventType,
				this.occurredAt, this.correlationId, this.causationId, this.source, this.headers);
	}

	/**
	 * Returns a copy of this metadata with the given headers instead of the current ones.
	 * @param headers the headers
	 * @return the copy
	 */
	public EventMetadata withHeaders(Map<String, String> headers) {
		return new EventMetadata(this.eventId, this.aggregateType, this.aggregateId, this.sequence, this.eventType,
				this.occurredAt, this.correlationId, this.causationId, this.source, headers);
	}

}
