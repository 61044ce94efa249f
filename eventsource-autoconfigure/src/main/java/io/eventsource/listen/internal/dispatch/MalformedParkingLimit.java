package io.eventsource.listen.internal.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The bound on the messages that are not events a service keeps parked under
 * {@value EventDispatcher#MALFORMED}, so that a flood of them (each up to
 * {@value MalformedMessages#MAX_BODY_BYTES} bytes of body) cannot fill the database.
 * <p>
 * The rows are counted in the database at most once per {@link #REFRESH} and, in between,
 * this instance adds those it parks itself: one instance stops at the bound without a
 * count per message. What other instances of the service park, or an operator skips, is
 * seen at the next reading, so several instances may pass the bound by what they park
 * within one reading's period (and the workers of one instance by the messages they park
 * at the same moment).
 */
final class MalformedParkingLimit {

	/** How long a reading of the parked rows is used. */
	static final Duration REFRESH = Duration.ofSeconds(5);

	/** The least time between two log lines about dropped messages. */
	static final Duration LOG_PERIOD = Duration.ofMinutes(1);

	private final LongSupplier parkedRows;

	private final long max;

	private final Clock clock;

	private final Object monitor = new Object();

	private long parked;

	private @Nullable Instant readAt;

	private @Nullable Instant loggedAt;

	private long droppedSinceLogged;

	/**
	 * Creates the bound.
	 * @param parkedRows reads the rows parked under {@value EventDispatcher#MALFORMED}
	 * for this service
	 * @param max the most rows kept; {@code 0} parks none
	 * @param clock the clock
	 */
	MalformedParkingLimit(LongSupplier parkedRows, long max, Clock clock) {
		this.parkedRows = parkedRows;
		this.max = max;
		this.clock = clock;
	}

	/**
	 * Returns whether another message may be parked. Reads the rows when the last reading
	 * is older than {@link #REFRESH}; a failed reading is tried again with the next
	 * message.
	 * @return {@code false} when the bound is reached
	 */
	boolean admits() {
		synchronized (this.monitor) {
			Instant now = this.clock.instant();
			Instant readAt = this.readAt;
			if (readAt == null || !now.isBefore(readAt.plus(REFRESH))) {
				// one reading for all workers: the others wait for it, not read again
				this.parked = this.parkedRows.getAsLong();
				this.readAt = now;
			}
			return this.parked < this.max;
		}
	}

	/**
	 * Notes a row this instance parked.
	 */
	void parked() {
		synchronized (this.monitor) {
			this.parked++;
		}
	}

	/**
	 * Notes a message dropped as the bound is reached, and says whether to log it: the
	 * first drop, then at most once per {@link #LOG_PERIOD}.
	 * @return the messages dropped since the last log line, this one included, when a
	 * line is due; {@code 0} when not
	 */
	long dropped() {
		synchronized (this.monitor) {
			this.droppedSinceLogged++;
			Instant now = this.clock.instant();
			Instant loggedAt = this.loggedAt;
			if (loggedAt != null && now.isBefore(loggedAt.plus(LOG_PERIOD))) {
				return 0;
			}
			this.loggedAt = now;
			long dropped = this.droppedSinceLogged;
			this.droppedSinceLogged = 0;
			return dropped;
		}
	}

	long max() {
		return this.max;
	}

}
