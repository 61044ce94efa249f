package io.eventsource.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Remembers which broker objects were declared, and when, so that each is declared again
 * only once its entry is older than the time to live (kept below the queue expiry, since
 * a declaration also resets a queue's expiry). Used by the relay thread only.
 */
final class DeclarationCache {

	private static final int SWEEP_EVERY = 10_000;

	private final long ttlNanos;

	private final LongSupplier nanoClock;

	private final Map<String, Long> declaredAt = new HashMap<>();

	private int putsSinceSweep;

	DeclarationCache(Duration ttl, LongSupplier nanoClock) {
		this.ttlNanos = ttl.toNanos();
		this.nanoClock = nanoClock;
	}

	boolean isFresh(String name) {
		Long at = this.declaredAt.get(name);
		return at != null && this.nanoClock.getAsLong() - at < this.ttlNanos;
	}

	void declared(String name) {
		this.declaredAt.put(name, this.nanoClock.getAsLong());
		if (++this.putsSinceSweep >= SWEEP_EVERY) {
			this.putsSinceSweep = 0;
			long now = this.nanoClock.getAsLong();
			this.declaredAt.values().removeIf((at) -> now - at >= this.ttlNanos);
		}
	}

	void forget(String name) {
		this.declaredAt.remove(name);
	}

	void clear() {
		this.declaredAt.clear();
	}

	int size() {
		return this.declaredAt.size();
	}

}
