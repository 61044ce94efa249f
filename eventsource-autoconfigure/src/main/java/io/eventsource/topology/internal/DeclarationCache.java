package io.eventsource.topology.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Remembers which broker objects were declared, and when. An entry is {@link State#FRESH}
 * until its time to live passes (kept below the queue expiry, since a declaration also
 * resets a queue's expiry), shortened by a random part so that objects declared together
 * are declared again at different times; then {@link State#DUE} for a renewal until its
 * trust ends (the object is still known to exist, so it can be declared again without
 * waiting for the broker's reply); then {@link State#UNKNOWN}. Used by the relay thread
 * only.
 */
final class DeclarationCache {

	private static final int SWEEP_EVERY = 10_000;

	private final long ttlNanos;

	private final long trustNanos;

	private final long jitterNanos;

	private final LongSupplier nanoClock;

	private final DoubleSupplier random;

	private final Map<String, Entry> entries = new HashMap<>();

	private int putsSinceSweep;

	DeclarationCache(Duration ttl, LongSupplier nanoClock) {
		this(ttl, ttl, 0, nanoClock, () -> 0);
	}

	/**
	 * Creates a cache whose entries are fresh between {@code (1 - jitter) × ttl} and
	 * {@code ttl}, drawn per declaration, so that objects declared together (at startup,
	 * in one burst) are not all declared again at once, and due for a renewal from then
	 * until {@code trust} after their declaration.
	 * @param ttl the longest time an entry is fresh
	 * @param trust how long after its declaration an object is known to exist, at least
	 * the time to live
	 * @param jitter the fraction of the time to live an entry may be cut short by, 0 to 1
	 * @param nanoClock the clock
	 * @param random a source of numbers in {@code [0, 1)}
	 */
	DeclarationCache(Duration ttl, Duration trust, double jitter, LongSupplier nanoClock, DoubleSupplier random) {
		this.ttlNanos = ttl.toNanos();
		this.trustNanos = Math.max(trust.toNanos(), this.ttlNanos);
		this.jitterNanos = (long) (ttl.toNanos() * jitter);
		this.nanoClock = nanoClock;
		this.random = random;
	}

	boolean isFresh(String name) {
		return state(name) == State.FRESH;
	}

	State state(String name) {
		Entry entry = this.entries.get(name);
		if (entry == null) {
			return State.UNKNOWN;
		}
		long now = this.nanoClock.getAsLong();
		if (now - entry.freshUntil() < 0) {
			return State.FRESH;
		}
		return (now - entry.trustedUntil() < 0) ? State.DUE : State.UNKNOWN;
	}

	void declared(String name) {
		long now = this.nanoClock.getAsLong();
		this.entries.put(name, new Entry(now + this.ttlNanos - (long) (this.jitterNanos * this.random.getAsDouble()),
				now + this.trustNanos));
		if (++this.putsSinceSweep >= SWEEP_EVERY) {
			this.putsSinceSweep = 0;
			this.entries.values().removeIf((entry) -> now - entry.trustedUntil() >= 0);
		}
	}

	void forget(String name) {
		this.entries.remove(name);
	}

	void clear() {
		this.entries.clear();
	}

	int size() {
		return this.entries.size();
	}

	/**
	 * What the cache knows of a declaration.
	 */
	enum State {

		/**
		 * Declared less than its time to live ago: nothing to do.
		 */
		FRESH,

		/**
		 * Past its time to live but still known to exist: declare it again, without
		 * waiting for the reply.
		 */
		DUE,

		/**
		 * Never declared, forgotten, or declared too long ago to be sure it exists:
		 * declare it and wait for the reply before using it.
		 */
		UNKNOWN

	}

	private record Entry(long freshUntil, long trustedUntil) {
	}

}
