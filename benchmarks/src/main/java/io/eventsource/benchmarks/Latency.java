package io.eventsource.benchmarks;

/**
 * One (e) run: the latency from publish to the handler's commit at a paced rate.
 *
 * @param rate the paced rate, events per second
 * @param p50Millis the median
 * @param p99Millis the 99th percentile
 * @param line the line for the report
 */
record Latency(double rate, double p50Millis, double p99Millis, String line) {

	/**
	 * Returns a percentile of sorted values: the smallest value that at least that
	 * fraction of them do not exceed.
	 * @param sorted the values, sorted
	 * @param fraction the fraction, such as {@code 0.99}
	 * @return the value, {@code NaN} when there is none
	 */
	static double percentile(long[] sorted, double fraction) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(fraction * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

}
