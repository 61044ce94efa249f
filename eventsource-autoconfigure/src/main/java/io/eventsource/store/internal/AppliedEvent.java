package io.eventsource.store.internal;

import io.eventsource.envelope.EventMetadata;

/**
 * An event a projection applied.
 *
 * @param projection the projection
 * @param metadata the event
 */
public record AppliedEvent(String projection, EventMetadata metadata) {

}
