package io.eventsource.publish;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.internal.CloudEventsAmqpBinding;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Options of one {@link EventPublisher#publish(String, String, Object, PublishOptions)
 * publish} call. Immutable; each {@code with…} method returns a copy.
 *
 * <pre class="code">
 * publisher.publish("Product", "123", new PriceChanged(10), PublishOptions.defaults()
 *     .expectSequence(4)
 *     .withHeader("tenant", "acme"));
 * </pre>
 */
public final class PublishOptions {

	private static final PublishOptions DEFAULTS = new PublishOptions(null, Map.of(), null, null, null);

	private final @Nullable Long expectedSequence;

	private final Map<String, String> headers;

	private final @Nullable String correlationId;

	private final @Nullable UUID eventId;

	private final @Nullable String eventType;

	private PublishOptions(@Nullable Long expectedSequence, Map<String, String> headers, @Nullable String correlationId,
			@Nullable UUID eventId, @Nullable String eventType) {
		this.expectedSequence = expectedSequence;
		this.headers = headers;
		this.correlationId = correlationId;
		this.eventId = eventId;
		this.eventType = eventType;
	}

	/**
	 * Returns the options of a plain publish: no expected sequence, no headers.
	 * @return the default options
	 */
	public static PublishOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Expects the aggregate's last event to be at a sequence: the publish fails with
	 * {@link SequenceMismatchException}, writing nothing, when it is not.
	 * @param lastSequence the sequence of the aggregate's last event, {@code 0} for an
	 * aggregate with no event yet
	 * @return a copy with the expectation
	 */
	public PublishOptions expectSequence(long lastSequence) {
		Assert.isTrue(lastSequence >= 0, "'lastSequence' must be 0 or more");
		return new PublishOptions(lastSequence, this.headers, this.correlationId, this.eventId, this.eventType);
	}

	/**
	 * Adds a header, sent as a CloudEvents extension attribute.
	 * @param name the name: lower-case letters and digits, not an attribute eventsource
	 * sets itself
	 * @param value the value
	 * @return a copy with the header
	 * @throws IllegalArgumentException if the name is invalid
	 */
	public PublishOptions withHeader(String name, String value) {
		CloudEventsAmqpBinding.requireExtensionName(name);
		Assert.notNull(value, () -> "Value of header '" + name + "' must not be null");
		Map<String, String> headers = new LinkedHashMap<>(this.headers);
		headers.put(name, value);
		return new PublishOptions(this.expectedSequence, Map.copyOf(headers), this.correlationId, this.eventId,
				this.eventType);
	}

	/**
	 * Sets the correlation id, for an event that starts a flow started elsewhere. Ignored
	 * while a listener handles an event: the handled event's correlation id wins.
	 * @param correlationId the correlation id
	 * @return a copy with the correlation id
	 */
	public PublishOptions withCorrelationId(String correlationId) {
		Assert.hasText(correlationId, "'correlationId' must not be empty");
		return new PublishOptions(this.expectedSequence, this.headers, correlationId, this.eventId, this.eventType);
	}

	/**
	 * Sets the event id instead of a random one, for ids derived deterministically from
	 * what caused the event. A second publish with the same id fails on the unique
	 * message id.
	 * @param eventId the event id
	 * @return a copy with the event id
	 */
	public PublishOptions withEventId(UUID eventId) {
		Assert.notNull(eventId, "'eventId' must not be null");
		return new PublishOptions(this.expectedSequence, this.headers, this.correlationId, eventId, this.eventType);
	}

	/**
	 * Names the event type instead of the event's class, for an event forwarded as a JSON
	 * tree whose class says nothing of its type.
	 * @param eventType the event type name
	 * @return a copy with the event type name
	 */
	public PublishOptions withEventType(String eventType) {
		Assert.hasText(eventType, "'eventType' must not be empty");
		return new PublishOptions(this.expectedSequence, this.headers, this.correlationId, this.eventId, eventType);
	}

	/**
	 * Returns the event type name given.
	 * @return the event type name, or {@code null} to name it by the event's class
	 */
	public @Nullable String eventType() {
		return this.eventType;
	}

	/**
	 * Returns the expected sequence of the aggregate's last event.
	 * @return the expected sequence, or {@code null} for none
	 */
	public @Nullable Long expectedSequence() {
		return this.expectedSequence;
	}

	/**
	 * Returns the extra headers.
	 * @return the headers
	 */
	public Map<String, String> headers() {
		return this.headers;
	}

	/**
	 * Returns the correlation id given.
	 * @return the correlation id, or {@code null} for none
	 */
	public @Nullable String correlationId() {
		return this.correlationId;
	}

	/**
	 * Returns the event id given.
	 * @return the event id, or {@code null} for a random one
	 */
	public @Nullable UUID eventId() {
		return this.eventId;
	}

}
