package io.eventsource.listen;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.replay.LogEnd;
import io.eventsource.replay.ReplayRequest;
import io.eventsource.replay.ReplayRequester;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Repairs gaps: once an aggregate has waited for the same missing events for longer than
 * a timeout (the relay resends an event it could not confirm, and a hand-over between
 * instances delays one, so a short wait is normal), asks the producers for them through
 * the {@link ReplayRequester}, and again each timeout while the gap lasts. The events
 * arrive in this service's replay queue and are applied there, through the inbox like any
 * other delivery; the event that waited is applied after them.
 * <p>
 * An event that waits for events no producer will ever send (one that was never in a
 * producer's log: sent into the queue by hand, or forged) is given up, so that it neither
 * waits and asks for ever, keeping its queue alive, nor is applied in place of the real
 * event of its sequence once the stream gets there; {@link #abandoned} then says why, and
 * the listener parks it under {@value EventDispatcher#MALFORMED}, away from the
 * projections' positions, so that the real events of the aggregate go on. Two rules give
 * an event up:
 * <ol>
 * <li><b>Not in the producer's log.</b> Each request also asks where the producers' logs
 * of the aggregate end ({@link LogEnd}). A waiting event is given up when a producer
 * answered a request that was sent <em>after</em> this instance first saw the event, with
 * a log that ends exactly where the request started (its last sequence is the last one
 * the projection had applied: the log holds everything applied and none of the missing
 * events) and so before the event's sequence. This is safe against the race with the
 * producer's commits: the relay sends only what committed, so an event of the log that
 * this instance had received before the request was in the log when the producer read its
 * end, after the request arrived; that end is then at or beyond the event. An event
 * committed after that read cannot have been seen before the request, and the answer says
 * nothing about it. Whichever instance of the producing service answers reads the same
 * database. A producing service whose log does not hold the aggregate sends no end, and
 * an end that is not where the projection stands is not believed: one beyond it comes
 * with the missing events (the next request, from further on, is answered again), one
 * behind it is not the aggregate's log. The events of the replay queue and of catch-up
 * come from the logs, so the rule never holds for them.</li>
 * <li><b>No producer answered.</b> When {@code maxRequests} requests in a row for the
 * same gap (the projection's position not moving meanwhile), all sent after the event
 * arrived, brought neither an event nor any log end, the event is given up too: no
 * producer holds its aggregate (an unknown producer or aggregate, a type nobody
 * publishes, producers of a version that sends no log end), or the producers have been
 * unreachable for that long. In the last case the event may be real: it is still in its
 * producer's log, and gap repair (when a later event reveals the gap) or the next
 * catch-up applies it from there once the producer is back; its parked copy can then be
 * skipped. A gap that a producer answers for but cannot fill (its log pruned) is not
 * given up: its events wait, as before.</li>
 * </ol>
 * Requests stop with the waiting: an event given up is acknowledged, so nothing reports
 * the gap any longer. The state is per instance: after a hand-over the next instance
 * starts counting afresh.
 */
public class GapRepair implements GapListener, AutoCloseable {

	private static final int SWEEP_AT = 10_000;

	private final ReplayRequester requester;

	private final long timeoutNanos;

	private final int maxRequests;

	private final LongSupplier nanoClock;

	private final ListenerMetrics metrics;

	private final Map<Gap, GapState> gaps = new ConcurrentHashMap<>();

	/** The events that waited after a gap, by event id. */
	private final Map<UUID, Waiting> waiting = new ConcurrentHashMap<>();

	/**
	 * Per aggregate, the latest answer that the aggregate's log ends where a request
	 * started.
	 */
	private final Map<Aggregate, LogEnd> logEnds = new ConcurrentHashMap<>();

	private final ExecutorService sender = Executors
		.newSingleThreadExecutor(ListenerThreads.named("eventsource-replay-requests-"));

	/**
	 * Creates the repair and has the requester ask where the producers' logs end.
	 * @param requester sends the requests
	 * @param timeout how long a gap lasts before the missing events are asked for
	 * @param maxRequests the requests for one gap after which the events that waited
	 * through all of them are given up
	 * @param nanoClock the clock, {@link System#nanoTime()} outside tests, the
	 * requester's too
	 * @param metrics counts the requests
	 */
	public GapRepair(ReplayRequester requester, Duration timeout, int maxRequests, LongSupplier nanoClock,
			ListenerMetrics metrics) {
		Assert.isTrue(maxRequests > 0, "'maxRequests' must be positive");
		this.requester = requester;
		this.timeoutNanos = timeout.toNanos();
		this.maxRequests = maxRequests;
		this.nanoClock = nanoClock;
		this.metrics = metrics;
		requester.answerLogEndsTo(this::logEnd);
	}

	@Override
	public void gapBefore(EventMetadata metadata, long lastApplied) {
		long now = this.nanoClock.getAsLong();
		Waiting seen = this.waiting.compute(metadata.eventId(),
				(id, earlier) -> new Waiting((earlier != null) ? earlier.firstSeenNanos() : now, now, null));
		Gap gap = new Gap(metadata.aggregateType(), metadata.aggregateId(), lastApplied);
		GapState state = this.gaps.computeIfAbsent(gap, (key) -> new GapState(now));
		if (this.gaps.size() > SWEEP_AT || this.waiting.size() > SWEEP_AT) {
			sweep(now);
		}
		String reason = notInLog(metadata, seen.firstSeenNanos());
		if (reason == null) {
			reason = state.unanswered(seen.firstSeenNanos(), gap, this.maxRequests);
		}
		if (reason != null) {
			// no request for it: it is parked instead; a real event that comes to wait
			// at this gap later waits the whole timeout, as at a new one
			this.waiting.put(metadata.eventId(), new Waiting(seen.firstSeenNanos(), now, reason));
			state.restart(now);
			return;
		}
		if (!state.seen(now, metadata.sequence(), this.timeoutNanos)) {
			return;
		}
		long lowest = state.lowestSequence();
		// up to the first event seen after the gap: the ones after it are on their way;
		// sent from a thread of its own, never from the listener's transaction
		ReplayRequest request = new ReplayRequest(metadata.aggregateType(), metadata.aggregateId(), lastApplied + 1,
				lowest - 1);
		try {
			this.sender.execute(() -> {
				// before the request: an event seen before this was seen before it
				long sentAt = this.nanoClock.getAsLong();
				if (this.requester.request(request)) {
					state.requested(sentAt, this.maxRequests);
					this.metrics.replayRequested(request.aggregateType());
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// closing: the gap is reported again after a restart
		}
	}

	@Override
	public @Nullable String abandoned(EventMetadata metadata) {
		Waiting waiting = this.waiting.get(metadata.eventId());
		if (waiting == null || waiting.reason() == null) {
			return null;
		}
		this.waiting.remove(metadata.eventId(), waiting);
		return waiting.reason();
	}

	/**
	 * Takes a producer's answer of where its log of an aggregate ends.
	 * @param end the answer
	 */
	void logEnd(LogEnd end) {
		ReplayRequest request = end.request();
		GapState state = this.gaps
			.get(new Gap(request.aggregateType(), request.aggregateId(), request.fromSequence() - 1));
		if (state != null) {
			state.answered(end.askedAtNanos());
		}
		// only a log that holds what the projection had applied and nothing after it
		if (end.lastSequence() < 1 || end.lastSequence() != request.fromSequence() - 1) {
			return;
		}
		if (this.logEnds.size() > SWEEP_AT) {
			long now = this.nanoClock.getAsLong();
			this.logEnds.values().removeIf((earlier) -> now - earlier.askedAtNanos() > 10 * this.timeoutNanos);
		}
		this.logEnds.merge(new Aggregate(request.aggregateType(), request.aggregateId()), end,
				(earlier, later) -> (later.askedAtNanos() - earlier.askedAtNanos() > 0) ? later : earlier);
	}

	private @Nullable String notInLog(EventMetadata metadata, long firstSeenNanos) {
		LogEnd end = this.logEnds.get(new Aggregate(metadata.aggregateType(), metadata.aggregateId()));
		if (end == null || end.askedAtNanos() - firstSeenNanos <= 0 || end.lastSequence() >= metadata.sequence()) {
			return null;
		}
		return "Not in the producer's log: the log of " + shown(metadata.aggregateType()) + "-"
				+ shown(metadata.aggregateId()) + " at " + shown(end.producer()) + " ends at #" + end.lastSequence()
				+ ", read after this event had arrived";
	}

	private void sweep(long now) {
		long old = 10 * this.timeoutNanos;
		this.gaps.values().removeIf((state) -> state.isIdleSince(now - old));
		this.waiting.values().removeIf((entry) -> now - entry.lastSeenNanos() > old);
	}

	/**
	 * Stops sending requests.
	 */
	@Override
	public void close() {
		this.sender.shutdownNow();
	}

	private static String shown(String text) {
		return (text.length() <= 64) ? text : text.substring(0, 64) + "...(" + text.length() + " chars)";
	}

	private record Gap(String aggregateType, String aggregateId, long lastApplied) {
	}

	private record Aggregate(String type, String id) {
	}

	/**
	 * An event that waited after a gap: when this instance first and last saw it, and,
	 * once given up, why.
	 */
	private record Waiting(long firstSeenNanos, long lastSeenNanos, @Nullable String reason) {
	}

	/**
	 * One gap of one projection's position: since when it is seen, the lowest sequence
	 * seen after it, and the requests for it.
	 */
	private static final class GapState {

		private long firstSeenNanos;

		private long lastSeenNanos;

		private long lowestSequence = Long.MAX_VALUE;

		/** Requests sent since the last give-up or answer. */
		private int requests;

		/** When the last request a producer answered was sent. */
		private long answeredAtNanos;

		private boolean answered;

		/** When the first of those requests was sent. */
		private long runStartNanos;

		private boolean gaveUp;

		/** The events seen before this are given up. */
		private long gaveUpBeforeNanos;

		GapState(long now) {
			this.firstSeenNanos = now;
			this.lastSeenNanos = now;
		}

		/**
		 * Notes an event seen after the gap; returns whether the gap has lasted the
		 * timeout.
		 */
		synchronized boolean seen(long now, long sequence, long timeoutNanos) {
			this.lastSeenNanos = now;
			this.lowestSequence = Math.min(this.lowestSequence, sequence);
			return now - this.firstSeenNanos >= timeoutNanos;
		}

		synchronized long lowestSequence() {
			return this.lowestSequence;
		}

		/**
		 * Starts the gap's timeout and lowest sequence again, once the events that waited
		 * are given up.
		 */
		synchronized void restart(long now) {
			this.firstSeenNanos = now;
			this.lastSeenNanos = now;
			this.lowestSequence = Long.MAX_VALUE;
		}

		/**
		 * Notes that a producer answered a request sent at a time: the requests sent up
		 * to then do not count towards a give-up.
		 */
		synchronized void answered(long askedAt) {
			if (!this.answered || askedAt - this.answeredAtNanos > 0) {
				this.answered = true;
				this.answeredAtNanos = askedAt;
				this.requests = 0;
			}
		}

		synchronized void requested(long sentAt, int maxRequests) {
			if (this.answered && this.answeredAtNanos - sentAt >= 0) {
				// answered before it was counted
				return;
			}
			if (this.requests == 0) {
				this.runStartNanos = sentAt;
			}
			this.requests++;
			if (this.requests >= maxRequests) {
				this.gaveUp = true;
				this.gaveUpBeforeNanos = this.runStartNanos;
				this.requests = 0;
			}
		}

		/**
		 * Returns why an event first seen at a time is given up, when it waited through
		 * the requests of a give-up.
		 */
		synchronized @Nullable String unanswered(long firstSeenNanos, Gap gap, int maxRequests) {
			if (!this.gaveUp || this.gaveUpBeforeNanos - firstSeenNanos <= 0) {
				return null;
			}
			return "No producer answered: " + maxRequests + " requests for " + shown(gap.aggregateType()) + "-"
					+ shown(gap.aggregateId()) + " #" + (gap.lastApplied() + 1)
					+ ".., all sent after this event had arrived, brought neither an event nor the end of a log";
		}

		synchronized boolean isIdleSince(long since) {
			return this.lastSeenNanos - since < 0;
		}

	}

}
