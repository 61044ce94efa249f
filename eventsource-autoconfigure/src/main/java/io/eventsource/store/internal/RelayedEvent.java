package io.eventsource.store.internal;

import java.time.Instant;

/**
 * An event read back from {@code public_messages} with the time the relay took it.
 *
 * @param event the event
 * @param relayedAt when the relay's round read it
 */
public record RelayedEvent(StoredEvent event, Instant relayedAt) {

}
