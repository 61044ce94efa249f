package io.eventsource.listen.internal.peraggregate;

import java.time.Duration;

import io.eventsource.listen.internal.lane.ListenerSettings;

import org.springframework.util.Assert;

/**
 * How the per-aggregate listener container consumes: the settings of every container, and
 * what only the per-aggregate topology has (its queues' expiries and lengths, idle
 * consumers, the most aggregates at once, heartbeats).
 *
 * @param listener the settings of every listener container
 * @param queueExpiry the {@code x-expires} of per-aggregate queues, as the relay declares
 * them
 * @param idsQueueExpiry the {@code x-expires} of this service's aggregate ids queues
 * @param idsQueueMaxLength the {@code x-max-length} of this service's aggregate ids
 * queues, {@code 0} for none
 * @param idleTimeout how long a per-aggregate consumer may receive nothing before it is
 * cancelled
 * @param maxAggregates the most per-aggregate queues consumed at once by this instance
 * @param heartbeatInterval how often the registry heartbeat is written
 */
public record PerAggregateSettings(ListenerSettings listener, Duration queueExpiry, Duration idsQueueExpiry,
		int idsQueueMaxLength, Duration idleTimeout, int maxAggregates, Duration heartbeatInterval) {

	public PerAggregateSettings {
		Assert.isTrue(idsQueueExpiry.toMillis() > 0 && idsQueueExpiry.toMillis() <= Integer.MAX_VALUE,
				() -> "'idsQueueExpiry' (eventsource.per-aggregate.ids-queue-expiry) must be between 1ms and "
						+ Duration.ofMillis(Integer.MAX_VALUE).toDays() + "d, not " + idsQueueExpiry);
		Assert.isTrue(idsQueueMaxLength >= 0,
				"'idsQueueMaxLength' (eventsource.per-aggregate.ids-queue-max-length) must not be negative");
		Assert.isTrue(maxAggregates > 0, "'maxAggregates' must be positive");
	}

}
