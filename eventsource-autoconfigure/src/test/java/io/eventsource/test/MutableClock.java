package io.eventsource.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock in UTC that stands still until the test moves it on, safe to read from other
 * threads: for code under test that takes a {@link Clock}.
 */
public final class MutableClock extends Clock {

	private volatile Instant now;

	/**
	 * Creates a clock that stands at an instant.
	 * @param start the instant
	 */
	public MutableClock(Instant start) {
		this.now = start;
	}

	/**
	 * Moves the clock on.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.now = this.now.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

}
