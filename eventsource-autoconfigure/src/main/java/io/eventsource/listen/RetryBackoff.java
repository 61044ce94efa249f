package io.eventsource.listen;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * The waits between the attempts of an event whose handler throws: the initial delay,
 * multiplied after each further failure, up to a maximum.
 *
 * @param initialDelay the wait before the second attempt
 * @param multiplier the factor applied after each further failure, at least 1
 * @param maxDelay the longest wait
 */
public record RetryBackoff(Duration initialDelay, double multiplier, Duration maxDelay) {

	public RetryBackoff {
		Assert.isTrue(initialDelay.toMillis() > 0, "'initialDelay' must be positive");
		Assert.isTrue(multiplier >= 1, "'multiplier' must be at least 1");
		Assert.isTrue(maxDelay.compareTo(initialDelay) >= 0, "'maxDelay' must not be shorter than 'initialDelay'");
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
