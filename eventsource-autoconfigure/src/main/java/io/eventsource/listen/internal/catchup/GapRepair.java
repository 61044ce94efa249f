package io.eventsource.listen.internal.catchup;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.GapListener;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.lane.DaemonThreads;
import io.eventsource.replay.internal.LogEnd;
import io.eventsource.replay.internal.ReplayRequest;
import io.eventsource.replay.internal.ReplayRequester;
import io.eventsource.store.internal.AggregateRef;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Repairs gaps: once an event has waited after a gap for longer than a timeout since this
 * instance first saw it (the relay resends an event it could not confirm, and a hand-over
 * between instances delays one, so a short wait is normal), asks the producers for the
 * missing events of its aggregate through the {@link ReplayRequester}, and again each
 * timeout while events of the aggregate wait. The events arrive in this service's replay
 * queue and are applied there, through the inbox like any other delivery; the events that
 * waited are applied after them. The timeout runs from each waiting event's own first
 * sighting, so an aggregate whose projections move on meanwhile (a busy one) does not
 * restart it.
 * <p>
 * An event that waits for events no producer will ever send (one that was never in a
 * producer's log: sent into the queue by hand, or forged) is given up, so that it neither
 * waits and asks for ever, keeping its queue alive, nor is applied in place of the real
 * event of its sequence once the stream gets there; {@link #abandoned} then says why
 * until the listener has parked it under {@value EventDispatcher#MALFORMED} (or dropped
 * it, when it cannot be parked), away from the projections' positions, so that the real
 * events of the aggregate go on. Three rules give an event up:
 * <ol>
 * <li><b>Not in the producer's log.</b> Each request also asks where the producers' logs
 * of the aggregate end ({@link LogEnd}). A waiting event is given up when a producer read
 * the end of its log after a request that was sent after this instance first saw the
 * event, and the event's sequence is beyond that end. This is sound whatever the
 * projections applied meanwhile: the relay sends only what committed, so an event of the
 * log that this instance received before the request was committed before the producer
 * read its end, and is at or below it. Every instance of the producing service reads the
 * same database, so it does not matter which one answers. A producing service whose log
 * does not hold the aggregate sends no end (so one that holds none of it never speaks for
 * it), and an end behind the position the request started from is not believed: that log
 * lacks events the projection applied, so it is not the log they came from. One producing
 * service's log holds an aggregate; were two to publish the same aggregate, the one that
 * answers first would speak for both.</li>
 * <li><b>Not the event of its sequence.</b> An event of the aggregate with the same
 * sequence and another event id is applied while it waits (arrived live, replayed or
 * caught up): no log holds two events with one sequence, so the waiting one is not the
 * producer's. Without this rule it would be acknowledged as a duplicate unseen.</li>
 * <li><b>No producer answered</b>, only when {@code maxRequests} is positive (the
 * auto-configuration sets it only while the periodic catch-up runs): the last
 * {@code maxRequests} requests for the aggregate were all sent after this instance first
 * saw the event, and no producer answered any request sent since then with the end of its
 * log: no producer holds the aggregate (an unknown producer or aggregate, a type nobody
 * publishes, producers of a version that sends no log end), or the producers have been
 * unreachable for that long. In the last case the event may be real: it is still in its
 * producer's log, so the {@linkplain #onGivenUpUnanswered listener} asks for a catch-up
 * of its aggregate type, which applies it from there once the producer answers (so does
 * the periodic catch-up, and gap repair when a later event reveals the gap); its parked
 * copy can then be skipped. A gap that a producer answers for but cannot fill (its log
 * pruned) is not given up: its events wait, as before.</li>
 * </ol>
 * Requests stop with the waiting: an event given up is parked and acknowledged, so
 * nothing reports it any longer. The state is per instance: after a hand-over the next
 * instance starts timing afresh.
 */
public class GapRepair implements GapListener, AutoCloseable {

	private static final int SWEEP_AT = 10_000;

	private final ReplayRequester requester;

	private final long timeoutNanos;

	private final int maxRequests;

	private final LongSupplier nanoClock;

	private final ListenerMetrics metrics;

	private final Map<AggregateRef, AggregateGaps> aggregates = new ConcurrentHashMap<>();

	private final AtomicLong lastSweepNanos;

	private volatile Consumer<EventMetadata> givenUpUnanswered = (metadata) -> {
	};

	private final ExecutorService sender = Executors
		.newSingleThreadExecutor(DaemonThreads.named("eventsource-replay-requests-"));

	/**
	 * Creates the repair and has the requester ask where the producers' logs end.
	 * @param requester sends the requests
	 * @param timeout how long an event waits after a gap before the missing events are
	 * asked for
	 * @param maxRequests the requests in a row, all unanswered, after which the events
	 * that waited through all of them are given up; 0 for never
	 * @param nanoClock the clock, {@link System#nanoTime()} outside tests, the
	 * requester's too
	 * @param metrics counts the requests
	 */
	public GapRepair(ReplayRequester requester, Duration timeout, int maxRequests, LongSupplier nanoClock,
			ListenerMetrics metrics) {
		Assert.isTrue(maxRequests >= 0, "'maxRequests' must not be negative");
		this.requester = requester;
		this.timeoutNanos = timeout.toNanos();
		this.maxRequests = maxRequests;
		this.nanoClock = nanoClock;
		this.metrics = metrics;
		this.lastSweepNanos = new AtomicLong(nanoClock.getAsLong());
		requester.answerLogEndsTo(this::logEnd);
	}

	/**
	 * Sets what to do when an event is given up because no producer answered: it may be
	 * real, its producers unreachable for a while, so a catch-up of its aggregate type is
	 * to bring it from its producer's log once one answers.
	 * @param listener told of each such event, once, on a listener thread; must return
	 * quickly
	 */
	public void onGivenUpUnanswered(Consumer<EventMetadata> listener) {
		this.givenUpUnanswered = listener;
	}

	@Override
	public void gapBefore(EventMetadata metadata, long lastApplied) {
		long now = this.nanoClock.getAsLong();
		ReplayRequest[] due = new ReplayRequest[1];
		this.aggregates.compute(new AggregateRef(metadata.aggregateType(), metadata.aggregateId()), (key, gaps) -> {
			AggregateGaps aggregate = (gaps != null) ? gaps
					: new AggregateGaps(metadata.aggregateType(), metadata.aggregateId(), now);
			due[0] = aggregate.waited(metadata, lastApplied, now, this.timeoutNanos);
			return aggregate;
		});
		sweepIfDue(now);
		ReplayRequest request = due[0];
		if (request == null) {
			return;
		}
		try {
			// from a thread of its own, never from the listener's transaction
			this.sender.execute(() -> send(request));
		}
		catch (RejectedExecutionException ex) {
			// closing: the gap is reported again after a restart
		}
	}

	private void send(ReplayRequest request) {
		// before the request: an event seen before this was seen before it
		long sentAt = this.nanoClock.getAsLong();
		if (this.requester.request(request)) {
			AggregateGaps gaps = this.aggregates.get(new AggregateRef(request.aggregateType(), request.aggregateId()));
			if (gaps != null) {
				gaps.requested(sentAt, this.maxRequests);
			}
			this.metrics.replayRequested(request.aggregateType());
		}
	}

	@Override
	public void applying(EventMetadata metadata) {
		if (this.aggregates.isEmpty()) {
			return;
		}
		this.aggregates.computeIfPresent(new AggregateRef(metadata.aggregateType(), metadata.aggregateId()),
				(key, gaps) -> gaps.applying(metadata) ? null : gaps);
	}

	@Override
	public @Nullable String abandoned(EventMetadata metadata) {
		if (this.aggregates.isEmpty()) {
			return null;
		}
		AggregateGaps gaps = this.aggregates.get(new AggregateRef(metadata.aggregateType(), metadata.aggregateId()));
		AggregateGaps.GivenUp givenUp = (gaps != null)
				? gaps.givenUp(metadata.eventId(), this.nanoClock.getAsLong(), this.maxRequests) : null;
		if (givenUp == null) {
			return null;
		}
		if (givenUp.unanswered()) {
			this.givenUpUnanswered.accept(metadata);
		}
		return givenUp.reason();
	}

	@Override
	public void settled(EventMetadata metadata) {
		this.aggregates.computeIfPresent(new AggregateRef(metadata.aggregateType(), metadata.aggregateId()),
				(key, gaps) -> gaps.settled(metadata.eventId()) ? null : gaps);
	}

	/**
	 * Takes a producer's answer of where its log of an aggregate ends.
	 * @param end the answer
	 */
	void logEnd(LogEnd end) {
		ReplayRequest request = end.request();
		AggregateGaps gaps = this.aggregates.get(new AggregateRef(request.aggregateType(), request.aggregateId()));
		if (gaps != null) {
			gaps.answered(end);
		}
	}

	/**
	 * Forgets, every ten timeouts or when the aggregates are many, the events not seen
	 * for ten timeouts: parked by another instance, or applied elsewhere.
	 */
	private void sweepIfDue(long now) {
		long old = 10 * this.timeoutNanos;
		long last = this.lastSweepNanos.get();
		if ((now - last < old && this.aggregates.size() <= SWEEP_AT) || !this.lastSweepNanos.compareAndSet(last, now)) {
			return;
		}
		this.aggregates.values().removeIf((gaps) -> gaps.sweep(now - old));
	}

	/**
	 * Stops sending requests.
	 */
	@Override
	public void close() {
		this.sender.shutdownNow();
	}

}
