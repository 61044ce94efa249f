package io.eventsource.listen.internal.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.eventsource.test.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MalformedParkingLimit}.
 */
class MalformedParkingLimitTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final AtomicLong rows = new AtomicLong();

	private final AtomicInteger readings = new AtomicInteger();

	private final MalformedParkingLimit limit = new MalformedParkingLimit(() -> {
		this.readings.incrementAndGet();
		return this.rows.get();
	}, 3, this.clock);

	@Test
	void admitsUpToTheBoundCountingWhatItParksWithoutReadingPerMessage() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.limit.admits()).isTrue();
			this.limit.parked();
		}
		assertThat(this.limit.admits()).isFalse();
		assertThat(this.readings).hasValue(1);
	}

	@Test
	void seesRowsRemovedOrAddedElsewhereAtTheNextReading() {
		this.rows.set(3);
		assertThat(this.limit.admits()).isFalse();
		this.rows.set(1);
		this.clock.advance(MalformedParkingLimit.REFRESH.minusMillis(1));
		assertThat(this.limit.admits()).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.limit.admits()).isTrue();
		this.rows.set(5);
		this.clock.advance(MalformedParkingLimit.REFRESH);
		assertThat(this.limit.admits()).isFalse();
		assertThat(this.readings).hasValue(3);
	}

	@Test
	void aFailedReadingIsTriedAgainWithTheNextMessage() {
		AtomicInteger calls = new AtomicInteger();
		MalformedParkingLimit failing = new MalformedParkingLimit(() -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("database down");
			}
			return 0;
		}, 3, this.clock);
		try {
			failing.admits();
		}
		catch (IllegalStateException ex) {
			// the first reading fails
		}
		assertThat(failing.admits()).isTrue();
		assertThat(calls).hasValue(2);
	}

	@Test
	void zeroParksNone() {
		assertThat(new MalformedParkingLimit(() -> 0, 0, this.clock).admits()).isFalse();
	}

	@Test
	void dropsAreLoggedFirstThenOncePerPeriodWithTheirCount() {
		assertThat(this.limit.dropped()).isEqualTo(1);
		for (int i = 0; i < 99; i++) {
			assertThat(this.limit.dropped()).isZero();
		}
		this.clock.advance(MalformedParkingLimit.LOG_PERIOD);
		assertThat(this.limit.dropped()).isEqualTo(100);
		assertThat(this.limit.dropped()).isZero();
	}

}
