package io.eventsource.publish.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.store.internal.AggregateRef;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.store.internal.StoredEvent;
import io.eventsource.topology.SendOutcome;
import io.eventsource.topology.SendOutcomes;

/**
 * Settles the pages a pass sent: waits for each page's confirms and marks the rows that
 * are relayed, in the transaction of the caller (the lease's). A row is marked only once
 * the broker confirmed it, and in order per aggregate: after a row that was not
 * confirmed, no later row of its aggregate is marked, and none is sent for the rest of
 * the pass. An aggregate is backed off only for its own failures, not when the broker was
 * unreachable. Counts each outcome in the {@link RelayMetrics}. Used by the pass's
 * thread.
 */
final class PageSettler {

	private final PublicMessageRepository outbox;

	private final RelayBackoff<AggregateRef> backoff;

	private final RelayMetrics metrics;

	private final Clock clock;

	PageSettler(PublicMessageRepository outbox, RelayBackoff<AggregateRef> backoff, RelayMetrics metrics, Clock clock) {
		this.outbox = outbox;
		this.backoff = backoff;
		this.metrics = metrics;
		this.clock = clock;
	}

	/**
	 * Settles the pages in flight, oldest first: all of them, or those whose confirms are
	 * in.
	 * @param inFlight the pages in flight, from which the settled ones are removed
	 * @param all whether to wait for every page
	 * @param order the order of the pass
	 * @return what was settled
	 */
	Settled settle(Deque<SentPage> inFlight, boolean all, AggregateOrder order) {
		Settled settled = Settled.NONE;
		while (!inFlight.isEmpty() && (all || inFlight.peekFirst().publishing().isSettled())) {
			settled = settled.and(settle(inFlight.removeFirst(), order));
		}
		return settled;
	}

	private Settled settle(SentPage page, AggregateOrder order) {
		SendOutcomes result = page.publishing().await();
		Instant now = this.clock.instant();
		List<Long> done = new ArrayList<>(page.sendable().size());
		boolean failed = false;
		// when the broker or the registry was away (or the connection was lost) the
		// failures are none of the aggregates': backing each off would delay them up to a
		// minute after the broker is back; the next pass tries them at the poll interval
		boolean unreachable = result.isUnreachable();
		for (StoredEvent row : page.sendable()) {
			AggregateRef aggregate = AggregateOrder.aggregate(row);
			EventMetadata metadata = row.envelope().metadata();
			SendOutcome outcome = result.outcome(metadata.eventId());
			if (order.isUnconfirmed(aggregate)) {
				this.metrics.heldBack(metadata, outcome);
			}
			else if (outcome.isDone()) {
				done.add(row.id());
				this.metrics.relayed(metadata, outcome, now);
				this.backoff.succeeded(aggregate);
			}
			else {
				failed = true;
				order.unconfirmed(aggregate);
				this.metrics.relayed(metadata, outcome, now);
				if (!unreachable) {
					this.backoff.failed(aggregate, now);
				}
			}
		}
		if (!done.isEmpty()) {
			this.outbox.markRelayed(done, page.selectedAt());
		}
		return new Settled(done.size(), failed);
	}

	/**
	 * What settling pages came to.
	 *
	 * @param marked how many rows were marked relayed
	 * @param failed whether a row was not confirmed
	 */
	record Settled(int marked, boolean failed) {

		static final Settled NONE = new Settled(0, false);

		Settled and(Settled more) {
			return new Settled(this.marked + more.marked, this.failed || more.failed);
		}

	}

}
