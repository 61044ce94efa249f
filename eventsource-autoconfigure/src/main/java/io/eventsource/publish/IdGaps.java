package io.eventsource.publish;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.eventsource.store.StoredEvent;

/**
 * The row ids that reads of the outbox skipped. Ids are handed out when a row is
 * inserted, not when its transaction commits, so a read can return rows on both sides of
 * one that is not visible yet; a pass that read past it would only send it once the pass
 * ends. The relay ends its pass at a gap it has not met before, so that the next pass,
 * which reads from the start, sends such a row as soon as it commits. Each gap ends one
 * pass only: a transaction that stays open, or one that rolled back, never keeps the
 * relay restarting.
 */
final class IdGaps {

	/** Gaps wider than this are not the interleaving of concurrent transactions. */
	private static final int MAX_GAP = 1_000;

	private static final int REMEMBERED = 10_000;

	private final Set<Long> seen = new LinkedHashSet<>();

	/**
	 * Returns whether rows read after a row id skip an id not met before, and remembers
	 * the ids they skip.
	 * @param afterId the row id the read started after, {@code 0} at the start of a pass
	 * (the ids below the first row are then not looked at)
	 * @param rows the rows read, in id order
	 * @return whether a skipped id is new
	 */
	synchronized boolean newGap(long afterId, List<StoredEvent> rows) {
		boolean found = false;
		long expected = (afterId > 0 || rows.isEmpty()) ? afterId + 1 : rows.get(0).id();
		for (StoredEvent row : rows) {
			if (row.id() - expected <= MAX_GAP) {
				for (long id = expected; id < row.id(); id++) {
					found |= remember(id);
				}
			}
			expected = row.id() + 1;
		}
		return found;
	}

	private boolean remember(long id) {
		if (!this.seen.add(id)) {
			return false;
		}
		if (this.seen.size() > REMEMBERED) {
			Iterator<Long> eldest = this.seen.iterator();
			eldest.next();
			eldest.remove();
		}
		return true;
	}

}
