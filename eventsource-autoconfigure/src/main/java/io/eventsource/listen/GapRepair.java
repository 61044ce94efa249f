package io.eventsource.listen;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.replay.ReplayRequest;
import io.eventsource.replay.ReplayRequester;

/**
 * Repairs gaps: once an aggregate has waited for the same missing events for longer than
 * a timeout (the relay resends an event it could not confirm, and a hand-over between
 * instances delays one, so a short wait is normal), asks the producers for them through
 * the {@link ReplayRequester}, and again each timeout while the gap lasts. The events
 * arrive in this service's replay queue and are applied there, through the inbox like any
 * other delivery; the event that waited is applied after them.
 */
public class GapRepair implements GapListener, AutoCloseable {

	private static final int SWEEP_AT = 10_000;

	private final ReplayRequester requester;

	private final long timeoutNanos;

	private final LongSupplier nanoClock;

	private final ListenerMetrics metrics;

	private final Map<Gap, Seen> firstSeen = new ConcurrentHashMap<>();

	private final ExecutorService sender = Executors
		.newSingleThreadExecutor(ListenerThreads.named("eventsource-replay-requests-"));

	/**
	 * Creates the repair.
	 * @param requester sends the requests
	 * @param timeout how long a gap lasts before the missing events are asked for
	 * @param nanoClock the clock, {@link System#nanoTime()} outside tests
	 * @param metrics counts the requests
	 */
	public GapRepair(ReplayRequester requester, Duration timeout, LongSupplier nanoClock, ListenerMetrics metrics) {
		this.requester = requester;
		this.timeoutNanos = timeout.toNanos();
		this.nanoClock = nanoClock;
		this.metrics = metrics;
	}

	@Override
	public void gapBefore(EventMetadata metadata, long lastApplied) {
		long now = this.nanoClock.getAsLong();
		Gap gap = new Gap(metadata.aggregateType(), metadata.aggregateId(), lastApplied);
		Seen seen = this.firstSeen.merge(gap, new Seen(now, metadata.sequence()),
				(earlier, later) -> new Seen(earlier.atNanos(), Math.min(earlier.sequence(), later.sequence())));
		if (this.firstSeen.size() > SWEEP_AT) {
			this.firstSeen.values().removeIf((entry) -> now - entry.atNanos() > 10 * this.timeoutNanos);
		}
		if (now - seen.atNanos() < this.timeoutNanos) {
			return;
		}
		// up to the first event seen after the gap: the ones after it are on their way;
		// sent from a thread of its own, never from the listener's transaction
		ReplayRequest request = new ReplayRequest(metadata.aggregateType(), metadata.aggregateId(), lastApplied + 1,
				seen.sequence() - 1);
		try {
			this.sender.execute(() -> {
				if (this.requester.request(request)) {
					this.metrics.replayRequested(request.aggregateType());
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// closing: the gap is reported again after a restart
		}
	}

	/**
	 * Stops sending requests.
	 */
	@Override
	public void close() {
		this.sender.shutdownNow();
	}

	private record Gap(String aggregateType, String aggregateId, long lastApplied) {
	}

	private record Seen(long atNanos, long sequence) {
	}

}
