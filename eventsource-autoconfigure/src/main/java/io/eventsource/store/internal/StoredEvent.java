package io.eventsource.store.internal;

import io.eventsource.envelope.EventEnvelope;

/**
 * An event as read back from {@code public_messages}.
 *
 * @param id the row id, increasing in insertion order
 * @param envelope the event
 */
public record StoredEvent(long id, EventEnvelope envelope) {

}
