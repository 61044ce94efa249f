package io.eventsource.publish.internal;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RelayBackoff}.
 */
class RelayBackoffTests {

	private final RelayBackoff<String> backoff = new RelayBackoff<>(Duration.ofSeconds(1), Duration.ofSeconds(30));

	private final Instant now = Instant.parse("2026-11-25T10:00:00Z");

	@Test
	void theFirstRetryIsImmediateThenTheDelayDoublesUpToTheMaximum() {
		assertThat(this.backoff.delay(1)).isZero();
		assertThat(this.backoff.delay(2)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.backoff.delay(3)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.backoff.delay(6)).isEqualTo(Duration.ofSeconds(16));
		assertThat(this.backoff.delay(7)).isEqualTo(Duration.ofSeconds(30));
		assertThat(this.backoff.delay(100)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void aFailingAggregateWaitsAndASuccessForgetsIt() {
		this.backoff.failed("A", this.now);
		assertThat(this.backoff.isWaiting("A", this.now)).isFalse();
		this.backoff.failed("A", this.now);
		assertThat(this.backoff.isWaiting("A", this.now.plusMillis(999))).isTrue();
		assertThat(this.backoff.isWaiting("A", this.now.plusSeconds(1))).isFalse();
		assertThat(this.backoff.isWaiting("B", this.now)).isFalse();
		this.backoff.succeeded("A");
		this.backoff.failed("A", this.now);
		assertThat(this.backoff.isWaiting("A", this.now)).isFalse();
	}

}
