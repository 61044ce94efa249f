package io.eventsource.publish;

import io.eventsource.envelope.EventEnvelope;

/**
 * Decorates every outgoing event before it is written to the outbox, typically to add
 * headers ({@link EventEnvelope#withHeader(String, String)}). Every bean of this type is
 * applied, in {@link org.springframework.core.annotation.Order @Order}.
 * <p>
 * A decorator runs in the publisher's transaction, before the sequence is allocated (the
 * metadata it sees has sequence 0); it must not change the event's identity or aggregate.
 */
@FunctionalInterface
public interface MessageDecorator {

	/**
	 * Decorates an event.
	 * @param envelope the event so far
	 * @return the decorated event
	 */
	EventEnvelope decorate(EventEnvelope envelope);

}
