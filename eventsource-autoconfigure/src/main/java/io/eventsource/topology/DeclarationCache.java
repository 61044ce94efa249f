package io.eventsource.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Remembers which broker objects were declared, and when, so that each is declared again
 * only once its entry is older than the time to live (kept below the queue expiry, since
 * a declaration also resets a queue's expiry), shortened by a random part so that objects
 * declared together are declared again at different times. Used by the relay thread only.
 */
final class DeclarationCache {

	private static final int SWEEP_EVERY = 10_000;

	private final long ttlNanos;

	private final long jitterNanos;

	private final LongSupplier nanoClock;

	private final DoubleSupplier random;

	private final Map<String, Long> expiresAt = new HashMap<>();

	private int putsSinceSweep;

	DeclarationCache(Duration ttl, LongSupplier nanoClock) {
		this(ttl, 0, nanoClock, () -> 0);
	}

	/**
	 * Creates a cache whose entries live between {@code (1 - jitter) × ttl} and
	 * {@code ttl}, drawn per declaration, so that objects declared together (at startup,
	 * in one burst) are not all declared again at once, stalling the relay.
	 * @param ttl the longest time to live
	 * @param jitter the fraction of the time to live an entry may be cut short by, 0 to 1
	 * @param nanoClock the clock
	 * @param random a source of numbers in {@code [0, 1)}
	 */
	DeclarationCache(Duration ttl, double jitter, LongSupplier nanoClock, DoubleSupplier random) {
		this.ttlNanos = ttl.toNanos();
		this.jitterNanos = (long) (ttl.toNanos() * jitter);
		this.nanoClock = nanoClock;
		this.random = random;
	}

	boolean isFresh(String name) {
		Long at = this.expiresAt.get(name);
		return at != null && this.nanoClock.getAsLong() - at < 0;
	}

	void declared(String name) {
		long now = this.nanoClock.getAsLong();
		this.expiresAt.put(name, now + this.ttlNanos - (long) (this.jitterNanos * this.random.getAsDouble()));
		if (++this.putsSinceSweep >= SWEEP_EVERY) {
			this.putsSinceSweep = 0;
			this.expiresAt.values().removeIf((at) -> now - at >= 0);
		}
	}

	void forget(String name) {
		this.expiresAt.remove(name);
	}

	void clear() {
		this.expiresAt.clear();
	}

	int size() {
		return this.expiresAt.size();
	}

}
