package io.eventsource.publish.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.store.internal.AggregateRef;
import io.eventsource.store.internal.StoredEvent;

/**
 * Which rows of the pages of one pass are sent, so that each aggregate's rows go out, and
 * are marked, strictly in sequence order. A row is sent only when it follows the last row
 * of its aggregate the pass sent, or, for an aggregate the pass meets first on a later
 * page, when no earlier row of that aggregate is left unrelayed. Otherwise, and for an
 * aggregate that backs off or has a row that was not confirmed, the aggregate is held
 * back for the rest of the pass: the next pass, which reads from the start, sends it. One
 * per pass, used by the pass's thread only.
 */
final class AggregateOrder {

	private final RelayBackoff<AggregateRef> backoff;

	private final LateRows lateRows;

	private final Set<AggregateRef> heldBack = new HashSet<>();

	private final Map<AggregateRef, Long> lastSent = new HashMap<>();

	private final Set<AggregateRef> unconfirmed = new HashSet<>();

	/**
	 * Creates the order of a new pass.
	 * @param backoff the back-off of failing aggregates
	 * @param lateRows finds the aggregates with an unrelayed row at or below an id
	 */
	AggregateOrder(RelayBackoff<AggregateRef> backoff, LateRows lateRows) {
		this.backoff = backoff;
		this.lateRows = lateRows;
	}

	/**
	 * Selects the rows of a page to send.
	 * @param rows the rows read, in id order
	 * @param afterId the id after which they were read, {@code 0} for the first page
	 * @param now the time of the selection, for the back-off
	 * @return the rows to send, and whether a row turned up late: below a row of its
	 * aggregate the pass sent, or below the pages already read
	 */
	Selection select(List<StoredEvent> rows, long afterId, Instant now) {
		boolean late = afterId > 0 && holdBackLateRows(rows, afterId);
		List<StoredEvent> sendable = new ArrayList<>(rows.size());
		for (StoredEvent row : rows) {
			AggregateRef aggregate = aggregate(row);
			long sequence = row.envelope().metadata().sequence();
			Long last = this.lastSent.get(aggregate);
			if (this.heldBack.contains(aggregate) || this.backoff.isWaiting(aggregate, now)) {
				this.heldBack.add(aggregate);
			}
			else if (last != null && sequence != last + 1) {
				this.heldBack.add(aggregate);
				late = true;
			}
			else {
				sendable.add(row);
				this.lastSent.put(aggregate, sequence);
			}
		}
		return new Selection(sendable, late);
	}

	/**
	 * Holds an aggregate back for the rest of the pass because one of its rows was not
	 * confirmed.
	 * @param aggregate the aggregate
	 */
	void unconfirmed(AggregateRef aggregate) {
		this.unconfirmed.add(aggregate);
		this.heldBack.add(aggregate);
	}

	/**
	 * Returns whether a row of an aggregate was not confirmed in this pass, so that its
	 * later rows must not be marked.
	 * @param aggregate the aggregate
	 * @return whether one was not
	 */
	boolean isUnconfirmed(AggregateRef aggregate) {
		return this.unconfirmed.contains(aggregate);
	}

	/**
	 * Holds back the aggregates met for the first time in this pass that still have an
	 * unrelayed row at or below the pages already read.
	 * @return whether there was any
	 */
	private boolean holdBackLateRows(List<StoredEvent> rows, long afterId) {
		Set<AggregateRef> firstSeen = new LinkedHashSet<>();
		for (StoredEvent row : rows) {
			AggregateRef aggregate = aggregate(row);
			if (!this.lastSent.containsKey(aggregate) && !this.heldBack.contains(aggregate)) {
				firstSeen.add(aggregate);
			}
		}
		if (firstSeen.isEmpty()) {
			return false;
		}
		Set<AggregateRef> late = this.lateRows.withUnrelayedUpTo(afterId, firstSeen);
		if (late.isEmpty()) {
			return false;
		}
		this.heldBack.addAll(late);
		return true;
	}

	static AggregateRef aggregate(StoredEvent row) {
		EventMetadata metadata = row.envelope().metadata();
		return new AggregateRef(metadata.aggregateType(), metadata.aggregateId());
	}

	/**
	 * The rows of a page to send.
	 *
	 * @param sendable the rows to send, in id order
	 * @param late whether a row turned up late, so that the pass should end soon
	 */
	record Selection(List<StoredEvent> sendable, boolean late) {
	}

	/**
	 * Finds the aggregates that have an unrelayed row at or below an id.
	 */
	@FunctionalInterface
	interface LateRows {

		Set<AggregateRef> withUnrelayedUpTo(long upToId, Set<AggregateRef> aggregates);

	}

}
