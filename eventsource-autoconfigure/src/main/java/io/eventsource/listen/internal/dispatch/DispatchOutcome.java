package io.eventsource.listen.internal.dispatch;

import java.util.Locale;

/**
 * What became of an event delivered to this service, for one projection or, combined, for
 * all of them.
 */
public enum DispatchOutcome {

	/** The handler ran and committed with its ack row. */
	OK(true),

	/**
	 * The event was applied before (its sequence is at or below the last applied one).
	 */
	DUPLICATE(true),

	/** The projection has no handler for the event type; its position moved on. */
	IGNORED(true),

	/**
	 * The event was set aside in {@code parked_events}: after its last attempt, at once
	 * when its payload does not bind, or behind a parked event of its aggregate; it waits
	 * there to be retried. A message that is no event this service can apply (not one, or
	 * one that gap repair gave up: in no producer's log) is parked under
	 * {@value EventDispatcher#MALFORMED}, to be looked at and skipped.
	 */
	PARKED(true),

	/**
	 * An earlier event of the aggregate has not been applied yet; this one waits for it.
	 */
	GAP(false),

	/** The handler threw; the event is delivered again after a delay. */
	FAIL(false);

	private final boolean done;

	DispatchOutcome(boolean done) {
		this.done = done;
	}

	/**
	 * Returns whether the message can be acknowledged to the broker.
	 * @return {@code true} when nothing is left to do for it
	 */
	public boolean isDone() {
		return this.done;
	}

	/**
	 * Returns the tag value used in metrics.
	 * @return the lower-case name
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Combines the outcomes of two projections: a failure wins over a gap, which wins
	 * over success.
	 * @param other the other outcome
	 * @return the combined outcome
	 */
	DispatchOutcome and(DispatchOutcome other) {
		return (other.ordinal() > ordinal()) ? other : this;
	}

}
