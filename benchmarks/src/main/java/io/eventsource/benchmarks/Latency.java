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

}
