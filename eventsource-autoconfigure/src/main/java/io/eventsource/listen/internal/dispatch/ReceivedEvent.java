package io.eventsource.listen.internal.dispatch;

import io.eventsource.envelope.EventMetadata;

/**
 * An event this service received, from its queues or from a catch-up page: what the
 * dispatcher applies. Unlike a {@link ReceivedMessage}, its metadata was read and is
 * valid.
 *
 * @param metadata its metadata
 * @param payload its JSON payload
 */
public record ReceivedEvent(EventMetadata metadata, byte[] payload) {

}
