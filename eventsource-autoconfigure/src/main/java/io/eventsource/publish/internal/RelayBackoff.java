package io.eventsource.publish.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * When the relay may try an aggregate again after its events failed to go out: the first
 * retry right away (a stale declaration is repaired that way), then after the poll
 * interval, doubling up to a maximum. Used by the relay thread only.
 *
 * @param <K> the key of an aggregate
 */
final class RelayBackoff<K> {

	private final Duration initial;

	private final Duration max;

	private final Map<K, Attempts> failing = new HashMap<>();

	RelayBackoff(Duration initial, Duration max) {
		this.initial = initial;
		this.max = max;
	}

	boolean isWaiting(K aggregate, Instant now) {
		Attempts attempts = this.failing.get(aggregate);
		return attempts != null && now.isBefore(attempts.nextAttempt());
	}

	void failed(K aggregate, Instant now) {
		Attempts previous = this.failing.get(aggregate);
		int failures = (previous != null) ? previous.failures() + 1 : 1;
		this.failing.put(aggregate, new Attempts(failures, now.plus(delay(failures))));
	}

	void succeeded(K aggregate) {
		if (!this.failing.isEmpty()) {
			this.failing.remove(aggregate);
		}
	}

	Duration delay(int failures) {
		if (failures <= 1) {
			return Duration.ZERO;
		}
		Duration delay = this.initial.multipliedBy(1L << Math.min(failures - 2, 20));
		return (delay.compareTo(this.max) > 0) ? this.max : delay;
	}

	private record Attempts(int failures, Instant nextAttempt) {
	}

}
