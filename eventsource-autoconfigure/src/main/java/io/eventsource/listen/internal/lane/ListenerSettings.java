package io.eventsource.listen.internal.lane;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How every listener container of a service consumes and applies, whatever its topology.
 *
 * @param service this service's name
 * @param prefetch the unacknowledged deliveries per consumed queue
 * @param concurrency the worker threads applying events
 * @param maxBatch the most events applied in one transaction
 * @param retryDelay the wait before an event that cannot be applied yet is delivered
 * again
 * @param retryBackoff the waits before a failed event is tried again
 * @param shutdownTimeout the longest wait for an event in progress on stop
 */
public record ListenerSettings(String service, int prefetch, int concurrency, int maxBatch, Duration retryDelay,
		RetryBackoff retryBackoff, Duration shutdownTimeout) {

	public ListenerSettings {
		Assert.isTrue(prefetch > 0, "'prefetch' must be positive");
		Assert.isTrue(concurrency > 0, "'concurrency' must be positive");
		Assert.isTrue(maxBatch > 0, "'maxBatch' must be positive");
	}

}
