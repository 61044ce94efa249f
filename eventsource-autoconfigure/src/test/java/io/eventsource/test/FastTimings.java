package io.eventsource.test;

/**
 * The timings the tests run services with: the library's defaults shortened so that idle
 * consumers, stale declarations, retries and heartbeats come round within a test's
 * patience, the same in every test that states them.
 */
public final class FastTimings {

	/** The properties, {@code name=value}. */
	public static final String[] PROPERTIES = { "eventsource.relay.poll-interval=200ms",
			"eventsource.per-aggregate.queue-expiry=30s", "eventsource.per-aggregate.declaration-cache-ttl=5s",
			"eventsource.per-aggregate.consumer-idle-timeout=2s", "eventsource.per-aggregate.announce-interval=500ms",
			"eventsource.listener.redelivery-delay=200ms", "eventsource.registry.heartbeat-interval=1s" };

	private FastTimings() {
	}

}
