package io.eventsource.listen.internal.lane;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How a listener container consumes.
 *
 * @param service this service's name
 * @param queueExpiry the {@code x-expires} of per-aggregate queues, as the relay declares
 * them
 * @param idsQueueExpiry the {@code x-expires} of this service's aggregate ids queues
 * @param idsQueueMaxLength the {@code x-max-length} of this service's aggregate ids
 * queues, {@code 0} for none
 * @param idleTimeout how long a per-aggregate consumer may receive nothing before it is
 * cancelled
 * @param maxAggregates the most per-aggregate queues consumed at once by this instance
 * @param prefetch the unacknowledged deliveries per aggregate queue
 * @param concurrency the worker threads applying events
 * @param maxBatch the most events applied in one transaction
 * @param retryDelay the wait before an early event is tried again
 * @param retryBackoff the waits before a failed event is tried again
 * @param heartbeatInterval how often the registry heartbeat is written
 * @param shutdownTimeout the longest wait for an event in progress on stop
 */
public record ListenerSettings(String service, Duration queueExpiry, Duration idsQueueExpiry, int idsQueueMaxLength,
		Duration idleTimeout, int maxAggregates, int prefetch, int concurrency, int maxBatch, Duration retryDelay,
		RetryBackoff retryBackoff, Duration heartbeatInterval, Duration shutdownTimeout) {

	public ListenerSettings {
		Assert.isTrue(idsQueueExpiry.toMillis() > 0 && idsQueueExpiry.toMillis() <= Integer.MAX_VALUE,
				() -> "'idsQueueExpiry' (eventsource.per-aggregate.ids-queue-expiry) must be between 1ms and "
						+ Duration.ofMillis(Integer.MAX_VALUE).toDays() + "d, not " + idsQueueExpiry);
		Assert.isTrue(idsQueueMaxLength >= 0,
				"'idsQueueMaxLength' (eventsource.per-aggregate.ids-queue-max-length) must not be negative");
		Assert.isTrue(maxAggregates > 0, "'maxAggregates' must be positive");
		Assert.isTrue(prefetch > 0, "'prefetch' must be positive");
		Assert.isTrue(concurrency > 0, "'concurrency' must be positive");
		Assert.isTrue(maxBatch > 0, "'maxBatch' must be positive");
	}

}
