package io.eventsource.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The outcome of each event of one {@link EventTopology#send(java.util.List)} call, by
 * event id.
 */
public final class SendOutcomes {

	private final Map<UUID, SendOutcome> outcomes = new LinkedHashMap<>();

	private boolean unreachable;

	/**
	 * Records the outcome of an event.
	 * @param eventId the event id
	 * @param outcome the outcome
	 */
	public void put(UUID eventId, SendOutcome outcome) {
		this.outcomes.put(eventId, outcome);
	}

	/**
	 * Records the outcomes of another call, and whether something every event needs was
	 * away during it.
	 * @param other the other call's result
	 */
	public void putAll(SendOutcomes other) {
		this.outcomes.putAll(other.outcomes);
		this.unreachable = this.unreachable || other.unreachable;
	}

	/**
	 * Returns the outcome of an event; {@link SendOutcome#FAILED} for an event nothing
	 * was recorded for.
	 * @param eventId the event id
	 * @return the outcome
	 */
	public SendOutcome outcome(UUID eventId) {
		return this.outcomes.getOrDefault(eventId, SendOutcome.FAILED);
	}

	/**
	 * Records that the broker or the service registry could not be reached, or the
	 * connection or channel failed, during the call: the events that failed, failed for
	 * none of their own reasons.
	 */
	public void unreachable() {
		this.unreachable = true;
	}

	/**
	 * Returns whether the broker or the service registry could not be reached, or the
	 * connection or channel failed, during the call; a relay then tries the failed events
	 * again at its poll interval instead of backing their aggregates off.
	 * @return {@code true} when something every event needs was away
	 */
	public boolean isUnreachable() {
		return this.unreachable;
	}

	/**
	 * Returns all outcomes by event id, in the order they were recorded.
	 * @return the outcomes
	 */
	public Map<UUID, SendOutcome> outcomes() {
		return Collections.unmodifiableMap(this.outcomes);
	}

}
