package io.eventsource.publish.internal;

import java.util.List;

import io.eventsource.store.internal.StoredEvent;

/**
 * The row ids that reads of the outbox skipped above the highest id read before. Ids are
 * handed out when a row is inserted, not when its transaction commits, so a read can
 * return rows on both sides of one that is not visible yet; a pass that read past it
 * would only send it once the pass ends. The relay ends its pass at such a gap, so that
 * the next pass, which reads from the start, sends the row as soon as it commits. An id
 * is above the highest one read only once, so each gap ends one pass only: a transaction
 * that stays open, or one that rolled back, never keeps the relay restarting, and the ids
 * of rows already relayed, between rows held back, are never gaps.
 */
final class IdGaps {

	/** Gaps wider than this are not the interleaving of concurrent transactions. */
	private static final int MAX_GAP = 1_000;

	/** The highest row id read so far, {@code 0} before the first read. */
	private long highest;

	/**
	 * Returns whether rows skip an id above the highest one read before, and moves that
	 * mark to the last of them. The ids below the first row ever read are not looked at.
	 * @param rows the rows read, in id order
	 * @return whether they skip such an id
	 */
	synchronized boolean newGap(List<StoredEvent> rows) {
		boolean found = false;
		for (StoredEvent row : rows) {
			long id = row.id();
			if (id <= this.highest) {
				continue;
			}
			long skipped = (this.highest > 0) ? id - this.highest - 1 : 0;
			found |= skipped > 0 && skipped <= MAX_GAP;
			this.highest = id;
		}
		return found;
	}

}
