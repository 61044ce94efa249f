package io.eventsource.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts the events the end-to-end handler committed since the last {@link #reset}, and
 * records, when asked to, each one's latency from its {@code occurredAt} (taken by
 * {@code EventPublisher.publish} in the publishing transaction) to the commit of the
 * handler's transaction.
 */
final class HandledEvents {

	private final Object monitor = new Object();

	private final List<Long> latencyMicros = new ArrayList<>();

	private int count;

	private boolean recording;

	/**
	 * Starts a new run: forgets the count and the latencies.
	 * @param recordLatencies whether to record the latency of each event
	 */
	void reset(boolean recordLatencies) {
		synchronized (this.monitor) {
			this.count = 0;
			this.latencyMicros.clear();
			this.recording = recordLatencies;
		}
	}

	/**
	 * Notes that the handler's transaction of an event committed.
	 * @param occurredAt when the event was published
	 */
	void committed(Instant occurredAt) {
		Instant now = Instant.now();
		synchronized (this.monitor) {
			this.count++;
			if (this.recording) {
				this.latencyMicros.add(Duration.between(occurredAt, now).toNanos() / 1_000);
			}
			this.monitor.notifyAll();
		}
	}

	/**
	 * Waits until the handler committed a number of events since the last reset.
	 * @param events the events
	 * @param deadlineNanos the {@link System#nanoTime()} past which to give up
	 * @throws InterruptedException if interrupted while waiting
	 * @throws IllegalStateException if fewer were handled at the deadline
	 */
	void await(int events, long deadlineNanos) throws InterruptedException {
		synchronized (this.monitor) {
			while (this.count < events) {
				long left = deadlineNanos - System.nanoTime();
				if (left <= 0) {
					throw new IllegalStateException(
							"Only " + this.count + " of " + events + " events of " + EndToEndEvent.AGGREGATE_TYPE
									+ " were handled at the end of the run timeout " + "(bench.run-timeout)");
				}
				this.monitor.wait(Math.max(1, left / 1_000_000));
			}
		}
	}

	/**
	 * Returns how many events were handled since the last reset.
	 * @return the count
	 */
	int count() {
		synchronized (this.monitor) {
			return this.count;
		}
	}

	/**
	 * Returns the recorded latencies, in microseconds, sorted.
	 * @return the latencies
	 */
	long[] sortedLatencyMicros() {
		long[] sorted;
		synchronized (this.monitor) {
			sorted = this.latencyMicros.stream().mapToLong(Long::longValue).toArray();
		}
		Arrays.sort(sorted);
		return sorted;
	}

}
