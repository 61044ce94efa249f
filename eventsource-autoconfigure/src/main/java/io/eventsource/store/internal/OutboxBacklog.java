package io.eventsource.store.internal;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The events committed to {@code public_messages} and not yet confirmed by the broker.
 *
 * @param count how many rows are not relayed
 * @param oldestPublishedAt when the oldest of them was published, {@code null} when there
 * is none
 */
public record OutboxBacklog(long count, @Nullable Instant oldestPublishedAt) {

	/**
	 * Returns how long the oldest unrelayed event has waited.
	 * @param now the current time
	 * @return its age, zero when there is none
	 */
	public Duration oldestAge(Instant now) {
		return (this.oldestPublishedAt != null) ? Duration.between(this.oldestPublishedAt, now) : Duration.ZERO;
	}

}
