package io.eventsource.benchmarks;

/**
 * One measured run: how many units (messages or new aggregates) took how long, and when
 * the publishing half was done (for eventsource: the last commit; for the bare client:
 * the end).
 *
 * @param count the units
 * @param nanos the time from the first publish until the last unit was confirmed (bare
 * client) or marked relayed (eventsource)
 * @param publishedNanos the time until the last publish returned (eventsource: the last
 * commit)
 */
record Measurement(int count, long nanos, long publishedNanos) {

	/**
	 * Returns the units per second.
	 * @return the rate
	 */
	double rate() {
		return this.count / seconds();
	}

	/**
	 * Returns the duration in seconds.
	 * @return the seconds
	 */
	double seconds() {
		return this.nanos / 1e9;
	}

	/**
	 * Returns the time until the last publish returned, in seconds.
	 * @return the seconds
	 */
	double publishedSeconds() {
		return this.publishedNanos / 1e9;
	}

}
