package io.eventsource.publish.internal;

import java.time.Instant;
import java.util.List;

import io.eventsource.store.internal.StoredEvent;
import io.eventsource.topology.EventTopology;

/**
 * A page the relay published, whose confirms may still be out.
 *
 * @param sendable the rows sent, in id order
 * @param publishing their publishing, which tells their outcomes once confirmed
 * @param selectedAt when they were selected: the time their marks record
 * @param late whether a row of the page turned up late, so that the pass should end soon
 */
record SentPage(List<StoredEvent> sendable, EventTopology.Publishing publishing, Instant selectedAt, boolean late) {
}
