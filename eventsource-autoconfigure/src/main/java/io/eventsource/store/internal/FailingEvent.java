package io.eventsource.store.internal;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event whose last attempt failed.
 *
 * @param eventId the event id
 * @param projection the projection
 * @param aggregateType the aggregate type
 * @param aggregateId the aggregate id
 * @param sequence the event's sequence
 * @param attempts the attempts so far
 * @param lastError the error of the last attempt
 * @param lastAttemptAt when it was recorded
 */
public record FailingEvent(String eventId, String projection, String aggregateType, String aggregateId, long sequence,
		int attempts, @Nullable String lastError, @Nullable Instant lastAttemptAt) {

}
