package io.eventsource.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventEnvelope;

/**
 * Counts the events the end-to-end handler committed since the last {@link #reset}, and
 * records, when asked to, each one's latency to the commit of the handler's transaction:
 * from its {@code occurredAt} (taken by {@code EventPublisher.publish} in the publishing
 * transaction, before its commit), and from the commit of the publishing transaction,
 * which the publisher reports through {@link #published(UUID, long)}; and when the
 * handler started on it, to tell the way to the handler from the handler's own
 * transaction.
 */
final class HandledEvents {

	private final Object monitor = new Object();

	private final List<Long> latencyMicros = new ArrayList<>();

	private final Map<UUID, Long> publishCommitNanos = new HashMap<>();

	private final Map<UUID, Long> handlerCommitNanos = new HashMap<>();

	private final Map<UUID, Long> handlerStartNanos = new HashMap<>();

	private final Map<UUID, Long> relayTakenNanos = new HashMap<>();

	private final Map<UUID, Long> relaySentNanos = new HashMap<>();

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
			this.publishCommitNanos.clear();
			this.handlerCommitNanos.clear();
			this.handlerStartNanos.clear();
			this.relayTakenNanos.clear();
			this.relaySentNanos.clear();
			this.recording = recordLatencies;
		}
	}

	/**
	 * Notes that the transaction that published an event committed.
	 * @param eventId the event
	 * @param nanos the {@link System#nanoTime()} of the commit
	 */
	void published(UUID eventId, long nanos) {
		synchronized (this.monitor) {
			if (this.recording) {
				this.publishCommitNanos.put(eventId, nanos);
			}
		}
	}

	/**
	 * Notes that the relay handed a page of events to the topology and got it back sent
	 * (the first time, if it sends one again).
	 * @param events the events
	 * @param takenNanos the {@link System#nanoTime()} of the hand-over
	 * @param sentNanos the {@link System#nanoTime()} when the topology had sent them
	 */
	void relayed(List<EventEnvelope> events, long takenNanos, long sentNanos) {
		synchronized (this.monitor) {
			if (this.recording) {
				for (EventEnvelope event : events) {
					UUID eventId = event.metadata().eventId();
					this.relayTakenNanos.putIfAbsent(eventId, takenNanos);
					this.relaySentNanos.putIfAbsent(eventId, sentNanos);
				}
			}
		}
	}

	/**
	 * Notes that the handler started on an event (the first time, if it runs again).
	 * @param eventId the event
	 */
	void started(UUID eventId) {
		long nanos = System.nanoTime();
		synchronized (this.monitor) {
			if (this.recording) {
				this.handlerStartNanos.putIfAbsent(eventId, nanos);
			}
		}
	}

	/**
	 * Notes that the handler's transaction of an event committed.
	 * @param eventId the event
	 * @param occurredAt when the event was published
	 */
	void committed(UUID eventId, Instant occurredAt) {
		long nanos = System.nanoTime();
		Instant now = Instant.now();
		synchronized (this.monitor) {
			this.count++;
			if (this.recording) {
				this.latencyMicros.add(Duration.between(occurredAt, now).toNanos() / 1_000);
				this.handlerCommitNanos.put(eventId, nanos);
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
	 * Returns, sorted, the latencies from the commit of each publishing transaction to
	 * the commit of the handler's, in microseconds, of the events whose both commits were
	 * recorded.
	 * @return the latencies
	 */
	long[] sortedCommitLatencyMicros() {
		return sortedSincePublishCommit(this.handlerCommitNanos);
	}

	/**
	 * Returns, sorted, the latencies from the commit of each publishing transaction to
	 * the start of the handler, in microseconds: the relay, the broker and the listener
	 * up to the handler's transaction.
	 * @return the latencies
	 */
	long[] sortedStartLatencyMicros() {
		return sortedSincePublishCommit(this.handlerStartNanos);
	}

	/**
	 * Splits the way from the commit of each publishing transaction to the commit of the
	 * handler's into hops, for the events with every moment recorded: to the relay's
	 * hand-over to the topology (the wake-up and the read), to the topology's return (the
	 * declarations and the sends of the page), to the handler's start (the broker and the
	 * listener's queue) and to the handler's commit.
	 * @return the hops' p50 and p99 over all events, and their means over the slowest 1%
	 */
	String hops() {
		List<long[]> hops = new ArrayList<>();
		synchronized (this.monitor) {
			this.handlerCommitNanos.forEach((eventId, committed) -> {
				Long published = this.publishCommitNanos.get(eventId);
				Long taken = this.relayTakenNanos.get(eventId);
				Long sent = this.relaySentNanos.get(eventId);
				Long started = this.handlerStartNanos.get(eventId);
				if (published != null && taken != null && sent != null && started != null) {
					hops.add(new long[] { taken - published, sent - taken, started - sent, committed - started,
							committed - published });
				}
			});
		}
		if (hops.isEmpty()) {
			return "no event with every moment recorded";
		}
		String[] names = { "commit to relay", "relay sending", "broker and listener", "handler" };
		hops.sort(Comparator.comparingLong((hop) -> hop[4]));
		List<long[]> slowest = hops.subList((int) Math.floor(hops.size() * 0.99), hops.size());
		StringBuilder line = new StringBuilder();
		for (int hop = 0; hop < names.length; hop++) {
			int index = hop;
			long[] sorted = hops.stream().mapToLong((times) -> times[index]).sorted().toArray();
			double slowMean = slowest.stream().mapToLong((times) -> times[index]).average().orElse(Double.NaN);
			line.append(String.format("%s%s p50 %.2f ms, p99 %.2f ms, %.2f ms in the slowest 1%%",
					(hop > 0) ? "; " : "", names[hop], Latency.percentile(sorted, 0.50) / 1e6,
					Latency.percentile(sorted, 0.99) / 1e6, slowMean / 1e6));
		}
		return line
			.append(String.format(" (%,d events, slowest 1%% from %.1f ms)", hops.size(), slowest.get(0)[4] / 1e6))
			.toString();
	}

	/**
	 * Returns, sorted and in microseconds, how long after its publishing transaction's
	 * commit each event reached a moment, for the events whose commit was recorded.
	 */
	private long[] sortedSincePublishCommit(Map<UUID, Long> reachedNanos) {
		long[] sorted;
		synchronized (this.monitor) {
			sorted = reachedNanos.entrySet()
				.stream()
				.filter((reached) -> this.publishCommitNanos.containsKey(reached.getKey()))
				.mapToLong((reached) -> (reached.getValue() - this.publishCommitNanos.get(reached.getKey())) / 1_000)
				.toArray();
		}
		Arrays.sort(sorted);
		return sorted;
	}

	/**
	 * Returns the recorded latencies from {@code occurredAt}, in microseconds, sorted.
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
