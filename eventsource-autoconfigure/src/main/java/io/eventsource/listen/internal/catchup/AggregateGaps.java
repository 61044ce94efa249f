package io.eventsource.listen.internal.catchup;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.replay.internal.LogEnd;
import io.eventsource.replay.internal.ReplayRequest;
import org.jspecify.annotations.Nullable;

/**
 * What {@link GapRepair} knows of one aggregate while events of it wait after a gap: each
 * waiting event, timed from its own first sighting on this instance (so an aggregate that
 * moves on meanwhile never restarts its clock), the requests sent for the aggregate's
 * missing events, and the producers' answers of where their logs of it end. From these it
 * tells which waiting event is not to be waited for any longer, and why. Every method
 * holds the object's monitor: requests are sent, answers arrive and lanes ask on
 * different threads.
 */
final class AggregateGaps {

	private final String aggregateType;

	private final String aggregateId;

	private final Map<UUID, Waiting> waiting = new HashMap<>();

	/**
	 * The lowest position a projection reported an event waiting at since the last
	 * request.
	 */
	private long lowestPosition = Long.MAX_VALUE;

	private boolean requested;

	/** When the last request was started (sent or not). */
	private long lastRequestNanos;

	/**
	 * When the latest requests were sent, the oldest first, at most as many as make a
	 * give-up for no answer.
	 */
	private final Deque<Long> sent = new ArrayDeque<>();

	private boolean answered;

	/**
	 * When the latest request some producer answered with the end of its log was sent.
	 */
	private long answeredAtNanos;

	/**
	 * The latest answer that can be believed: a log that holds at least what the
	 * projection had applied when it was asked.
	 */
	private @Nullable LogEnd end;

	private long lastSeenNanos;

	AggregateGaps(String aggregateType, String aggregateId, long now) {
		this.aggregateType = aggregateType;
		this.aggregateId = aggregateId;
		this.lastSeenNanos = now;
	}

	/**
	 * Notes an event found waiting at a projection's position, and returns the request to
	 * send when one is due: the event has waited the timeout since this instance first
	 * saw it, and no request for the aggregate went out within the timeout. The request
	 * asks from the lowest position reported since the last one up to the first event
	 * that waits after it: the ones after that are on their way.
	 * @param metadata the event
	 * @param position the last sequence its projection applied
	 * @param now the time
	 * @param timeoutNanos the timeout
	 * @return the request, or {@code null}
	 */
	synchronized @Nullable ReplayRequest waited(EventMetadata metadata, long position, long now, long timeoutNanos) {
		Waiting event = this.waiting.computeIfAbsent(metadata.eventId(),
				(id) -> new Waiting(metadata.sequence(), metadata.source(), now));
		event.lastSeenNanos = now;
		this.lastSeenNanos = now;
		this.lowestPosition = Math.min(this.lowestPosition, position);
		if (event.reason != null || now - event.firstSeenNanos < timeoutNanos
				|| (this.requested && now - this.lastRequestNanos < timeoutNanos)) {
			return null;
		}
		long from = this.lowestPosition + 1;
		long first = Long.MAX_VALUE;
		for (Waiting other : this.waiting.values()) {
			if (other.reason == null && other.sequence > from) {
				first = Math.min(first, other.sequence);
			}
		}
		this.requested = true;
		this.lastRequestNanos = now;
		this.lowestPosition = Long.MAX_VALUE;
		return new ReplayRequest(this.aggregateType, this.aggregateId, from, (first == Long.MAX_VALUE) ? 0 : first - 1);
	}

	/**
	 * Notes a request sent at a time.
	 * @param sentAt when, taken before it was published
	 * @param kept how many of the latest requests to keep
	 */
	synchronized void requested(long sentAt, int kept) {
		if (kept <= 0) {
			return;
		}
		this.sent.addLast(sentAt);
		while (this.sent.size() > kept) {
			this.sent.removeFirst();
		}
	}

	/**
	 * Takes a producer's answer of where its log of the aggregate ends. Any answer shows
	 * that a producer holds the aggregate; only one at or beyond the position the request
	 * started from is believed as the end of its log (one behind what was applied is not
	 * the log the applied events came from).
	 * @param answer the answer
	 */
	synchronized void answered(LogEnd answer) {
		if (!this.answered || answer.askedAtNanos() - this.answeredAtNanos > 0) {
			this.answered = true;
			this.answeredAtNanos = answer.askedAtNanos();
		}
		if (answer.lastSequence() < 1 || answer.lastSequence() < answer.request().fromSequence() - 1) {
			return;
		}
		LogEnd believed = this.end;
		long later = (believed != null) ? answer.askedAtNanos() - believed.askedAtNanos() : 1;
		if (later > 0 || (later == 0 && answer.lastSequence() > believed.lastSequence())) {
			this.end = answer;
		}
	}

	/**
	 * Notes an event about to be applied as the next one of the aggregate: it waits no
	 * longer, and another event that waits with the same sequence is not the event of the
	 * producer's log at that sequence (no log holds two), so it is given up.
	 * @param metadata the event
	 * @return whether nothing waits any longer
	 */
	synchronized boolean applying(EventMetadata metadata) {
		this.waiting.remove(metadata.eventId());
		for (Waiting other : this.waiting.values()) {
			if (other.reason == null && other.sequence == metadata.sequence()) {
				other.reason = "Not the event of its sequence: " + shown() + " #" + metadata.sequence()
						+ " was applied as event " + metadata.eventId() + " while this one waited";
			}
		}
		return this.waiting.isEmpty();
	}

	/**
	 * Returns why a waiting event is given up, once a rule holds for it, and from then on
	 * until it is {@linkplain #settled settled}: not in the producer's log (a log end
	 * read after a request sent after this instance first saw it ends before it), or,
	 * when {@code maxRequests} is positive, no producer answered ({@code maxRequests}
	 * requests in a row sent after it was first seen, and no log end for any of them).
	 * @param eventId the event
	 * @param now the time
	 * @param maxRequests the unanswered requests that give an event up, 0 for never
	 * @return the verdict, or {@code null} while it waits (or is not known here)
	 */
	synchronized @Nullable GivenUp givenUp(UUID eventId, long now, int maxRequests) {
		Waiting event = this.waiting.get(eventId);
		if (event == null) {
			return null;
		}
		// asked about while it is retried or parked: not to be forgotten meanwhile
		event.lastSeenNanos = now;
		this.lastSeenNanos = now;
		if (event.reason != null) {
			return new GivenUp(event.reason, false, event.source);
		}
		String reason = notInLog(event);
		boolean unanswered = false;
		if (reason == null && unanswered(event, maxRequests)) {
			reason = "No producer answered: " + maxRequests + " requests for the events before it in " + shown()
					+ ", all sent after this event had arrived, brought no end of a producer's log";
			unanswered = true;
		}
		if (reason == null) {
			return null;
		}
		event.reason = reason;
		return new GivenUp(reason, unanswered, event.source);
	}

	private @Nullable String notInLog(Waiting event) {
		LogEnd end = this.end;
		// read after a request sent after the event was seen: an event of that log seen
		// before the request was committed before it, and is at or below that end
		if (end == null || end.askedAtNanos() - event.firstSeenNanos <= 0 || event.sequence <= end.lastSequence()) {
			return null;
		}
		return "Not in the producer's log: the log of " + shown() + " at " + UntrustedText.abbreviate(end.producer())
				+ " ends at #" + end.lastSequence() + ", read after this event had arrived";
	}

	private boolean unanswered(Waiting event, int maxRequests) {
		if (maxRequests <= 0 || this.sent.size() < maxRequests || this.sent.peekFirst() - event.firstSeenNanos <= 0) {
			return false;
		}
		return !this.answered || this.answeredAtNanos - event.firstSeenNanos <= 0;
	}

	/**
	 * Forgets an event once it is parked or dropped.
	 * @param eventId the event
	 * @return whether nothing waits any longer
	 */
	synchronized boolean settled(UUID eventId) {
		this.waiting.remove(eventId);
		return this.waiting.isEmpty();
	}

	/**
	 * Forgets the events not seen since a time.
	 * @param since the time
	 * @return whether nothing waits any longer and nothing was seen since then
	 */
	synchronized boolean sweep(long since) {
		this.waiting.values().removeIf((event) -> event.lastSeenNanos - since < 0);
		return this.waiting.isEmpty() && this.lastSeenNanos - since < 0;
	}

	private String shown() {
		return UntrustedText.abbreviate(this.aggregateType) + "-" + UntrustedText.abbreviate(this.aggregateId);
	}

	/**
	 * A waiting event given up.
	 *
	 * @param reason why
	 * @param unanswered whether it was given up just now because no producer answered
	 * @param source the producer the event names
	 */
	record GivenUp(String reason, boolean unanswered, String source) {
	}

	/**
	 * An event that waits after a gap: its sequence, the producer it names, when this
	 * instance first and last saw it, and, once given up, why.
	 */
	private static final class Waiting {

		private final long sequence;

		private final String source;

		private final long firstSeenNanos;

		private long lastSeenNanos;

		private @Nullable String reason;

		Waiting(long sequence, String source, long now) {
			this.sequence = sequence;
			this.source = source;
			this.firstSeenNanos = now;
			this.lastSeenNanos = now;
		}

	}

}
