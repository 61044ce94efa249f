package io.eventsource.listen.internal.lane;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * The waits between the attempts of an event whose handler throws: the initial delay,
 * multiplied after each further failure, up to a maximum.
 *
 * @param initialDelay the wait before the second attempt
 * @param multiplier the factor applied after each further failure, at least 1
 * @param maxDelay the longest wait
 * @param byProjection the waits of the projections that differ from these, by name
 */
public record RetryBackoff(Duration initialDelay, double multiplier, Duration maxDelay,
		Map<String, RetryBackoff> byProjection) {

	public RetryBackoff {
		Assert.isTrue(initialDelay.toMillis() > 0, "'initialDelay' must be positive");
		Assert.isTrue(multiplier >= 1, "'multiplier' must be at least 1");
		Assert.isTrue(maxDelay.compareTo(initialDelay) >= 0, "'maxDelay' must not be shorter than 'initialDelay'");
		byProjection = Map.copyOf(byProjection);
	}

	/**
	 * Creates the same waits for every projection.
	 * @param initialDelay the wait before the second attempt
	 * @param multiplier the factor applied after each further failure, at least 1
	 * @param maxDelay the longest wait
	 */
	public RetryBackoff(Duration initialDelay, double multiplier, Duration maxDelay) {
		this(initialDelay, multiplier, maxDelay, Map.of());
	}

	/**
	 * Returns the wait after a number of failed attempts in a row of an event that failed
	 * in some projections: the shortest of their waits (each projection's own, or these),
	 * so that no projection waits longer than it asked.
	 * @param failures the failed attempts, at least 1
	 * @param failingProjections the projections the event failed in; empty for unknown
	 * @return the wait before the next attempt
	 */
	public Duration delay(int failures, Set<String> failingProjections) {
		if (failingProjections.isEmpty() || this.byProjection.isEmpty()) {
			return delay(failures);
		}
		Duration shortest = null;
		for (String projection : failingProjections) {
			Duration delay = this.byProjection.getOrDefault(projection, this).delay(failures);
			shortest = (shortest == null || delay.compareTo(shortest) < 0) ? delay : shortest;
		}
		return shortest;
	}

	/**
	 * Returns the wait after a number of failed attempts in a row.
	 * @param failures the failed attempts, at least 1
	 * @return the wait before the next attempt
	 */
	public Duration delay(int failures) {
		double millis = this.initialDelay.toMillis() * Math.pow(this.multiplier, Math.max(0, failures - 1));
		return (millis >= this.maxDelay.toMillis()) ? this.maxDelay : Duration.ofMillis((long) millis);
	}

}
