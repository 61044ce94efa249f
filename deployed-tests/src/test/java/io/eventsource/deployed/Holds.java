package io.eventsource.deployed;

import java.time.Duration;
import java.time.Instant;

import static org.awaitility.Awaitility.await;

/**
 * Waits in the deployed suites that hold a fault for a time (the time itself is the
 * fault) or wait for a time of the schedule, with Awaitility and a bound.
 */
final class Holds {

	private Holds() {
	}

	/**
	 * Holds for a time.
	 * @param duration how long
	 */
	static void hold(Duration duration) {
		hold(duration, () -> {
		});
	}

	/**
	 * Holds for a time, observing something once a second meanwhile (the first time at
	 * once).
	 * @param duration how long
	 * @param meanwhile the observation, for example a health check
	 */
	static void hold(Duration duration, Runnable meanwhile) {
		long deadline = System.nanoTime() + duration.toNanos();
		long[] nextObservation = { System.nanoTime() };
		await().atMost(duration.plusSeconds(30))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				if (System.nanoTime() - nextObservation[0] >= 0 && System.nanoTime() - deadline < 0) {
					meanwhile.run();
					nextObservation[0] = System.nanoTime() + Duration.ofSeconds(1).toNanos();
				}
				return System.nanoTime() - deadline >= 0;
			});
	}

	/**
	 * Waits until a time comes.
	 * @param due the time
	 */
	static void until(Instant due) {
		Duration left = Duration.between(Instant.now(), due);
		await().atMost(left.isNegative() ? Duration.ofSeconds(1) : left.plusSeconds(30))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> !Instant.now().isBefore(due));
	}

}
