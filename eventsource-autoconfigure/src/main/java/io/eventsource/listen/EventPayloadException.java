package io.eventsource.listen;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the payload of an event does not bind to the event class of its handler:
 * the consumer's class and the producer's JSON disagree.
 */
public class EventPayloadException extends RuntimeException {

	private final String eventType;

	private final Class<?> eventClass;

	/**
	 * Creates the exception for an event whose payload did not bind.
	 * @param eventType the event type name of the event
	 * @param eventClass the class the payload was bound to
	 * @param reason why it did not bind
	 * @param cause the binding failure, if any
	 */
	public EventPayloadException(String eventType, Class<?> eventClass, String reason, @Nullable Throwable cause) {
		super("Payload of event type '" + eventType + "' does not bind to " + eventClass.getName() + ": " + reason,
				cause);
		this.eventType = eventType;
		this.eventClass = eventClass;
	}

	/**
	 * Returns the event type name of the event.
	 * @return the event type name
	 */
	public String getEventType() {
		return this.eventType;
	}

	/**
	 * Returns the class the payload was bound to.
	 * @return the event class
	 */
	public Class<?> getEventClass() {
		return this.eventClass;
	}

}
