package io.eventsource.listen.internal.lane;

import java.time.Duration;

/**
 * How an {@link AggregateLane} waits before it tries again: the delay after which events
 * that arrived ahead of a missing predecessor go back to the queue, and the back-off
 * before a failed event is tried again. Both come from the listener's settings and are
 * the same for every lane of a container.
 *
 * @param retryDelay the wait before an early event goes back to the queue
 * @param retryBackoff the waits before a failed event is tried again
 */
public record LaneRetries(Duration retryDelay, RetryBackoff retryBackoff) {

}
