package io.eventsource.publish;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.eventsource.store.StoredEvent;

/**
 * The row ids that reads of the outbox skipped above the highest id read before. Ids are
 * handed out when a row is inserted, not when its transaction commits, so a read can
 * return rows on both sides of one that is not visible yet; a pass that read past it
 * would only send it once the pass ends. The relay ends its pass at such a gap, so that
 * the next pass, which reads from the start, sends the row as soon as it commits. An id
 * is above the highest one read only once, so each gap ends one pass only: a transaction
 * that stays open, or one that rolled back, never keeps the relay restarting, and the ids
 * of rows already relayed, between rows held back, are never gaps.
 * <p>
 * A skipped id stays open until a read returns it, for at most {@value #OPEN_MILLIS} ms
 * (a rolled back transaction's id never comes): while one is open, a commit that wakes
 * the relay in the middle of a pass may be that row, below the pages read, so the relay
 * ends the pass instead of reading on.
 */
final class IdGaps {

	/** Gaps wider than this are not the interleaving of concurrent transactions. */
	private static final int MAX_GAP = 1_000;

	/** How long a skipped id stays open at most. */
	static final long OPEN_MILLIS = 1_000;

	/** The most ids kept open; the oldest are forgotten first. */
	private static final int MAX_OPEN = 10_000;

	/** The highest row id read so far, {@code 0} before the first read. */
	private long highest;

	/** The skipped ids not read since, with the {@link System#nanoTime()} they were. */
	private final Map<Long, Long> open = new LinkedHashMap<>();

	/**
	 * Returns whether rows skip an id above the highest one read before, and moves that
	 * mark to the last of them. The ids below the first row ever read are not looked at.
	 * @param rows the rows read, in id order
	 * @return whether they skip such an id
	 */
	boolean newGap(List<StoredEvent> rows) {
		return newGap(rows, System.nanoTime());
	}

	synchronized boolean newGap(List<StoredEvent> rows, long nowNanos) {
		boolean found = false;
		for (StoredEvent row : rows) {
			long id = row.id();
			this.open.remove(id);
			if (id <= this.highest) {
				continue;
			}
			long skipped = (this.highest > 0) ? id - this.highest - 1 : 0;
			if (skipped > 0 && skipped <= MAX_GAP) {
				found = true;
				for (long missing = this.highest + 1; missing < id; missing++) {
					this.open.put(missing, nowNanos);
				}
			}
			this.highest = id;
		}
		while (this.open.size() > MAX_OPEN) {
			Iterator<Long> oldest = this.open.keySet().iterator();
			oldest.next();
			oldest.remove();
		}
		return found;
	}

	/**
	 * Returns whether an id skipped in the last {@value #OPEN_MILLIS} ms has not been
	 * read since.
	 * @return {@code true} when such an id is open
	 */
	boolean anyOpen() {
		return anyOpen(System.nanoTime());
	}

	synchronized boolean anyOpen(long nowNanos) {
		long expiry = TimeUnit.MILLISECONDS.toNanos(OPEN_MILLIS);
		Iterator<Long> skippedAt = this.open.values().iterator();
		while (skippedAt.hasNext()) {
			if (nowNanos - skippedAt.next() < expiry) {
				return true;
			}
			skippedAt.remove();
		}
		return false;
	}

}
