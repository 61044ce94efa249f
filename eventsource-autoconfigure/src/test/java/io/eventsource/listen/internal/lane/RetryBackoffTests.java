package io.eventsource.listen.internal.lane;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryBackoffTests {

	@Test
	void growsByTheMultiplierUpToTheMaximum() {
		RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), 3, Duration.ofSeconds(1));
		assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff.delay(2)).isEqualTo(Duration.ofMillis(300));
		assertThat(backoff.delay(3)).isEqualTo(Duration.ofMillis(900));
		assertThat(backoff.delay(4)).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.delay(1_000)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void anEventFailingInSeveralProjectionsWaitsTheShortestOfTheirDelays() {
		RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(8),
				Map.of("mailer", new RetryBackoff(Duration.ofSeconds(30), 1, Duration.ofSeconds(30)), "search",
						new RetryBackoff(Duration.ofMillis(100), 2, Duration.ofMillis(400))));
		assertThat(backoff.delay(1, Set.of())).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.delay(1, Set.of("mailer"))).isEqualTo(Duration.ofSeconds(30));
		assertThat(backoff.delay(3, Set.of("search"))).isEqualTo(Duration.ofMillis(400));
		assertThat(backoff.delay(2, Set.of("mailer", "ledger"))).isEqualTo(Duration.ofSeconds(2));
		assertThat(backoff.delay(2, Set.of("mailer", "search"))).isEqualTo(Duration.ofMillis(200));
	}

	@Test
	void refusesAMultiplierBelowOneAndAMaximumBelowTheInitialDelay() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBackoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2)))
			.withMessageContaining("multiplier");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBackoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1)))
			.withMessageContaining("maxDelay");
	}

}
