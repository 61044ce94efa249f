package io.eventsource.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The outcome of each event of one {@link EventTopology#send(java.util.List)} call, by
 * event id.
 */
public final class SendResult {

	private final Map<UUID, SendOutcome> outcomes = new LinkedHashMap<>();

	/**
	 * Records the outcome of an event.
	 * @param eventId the event id
	 * @param outcome the outcome
	 */
	public void put(UUID eventId, SendOutcome outcome) {
		this.outcomes.put(eventId, outcome);
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
	 * Returns all outcomes by event id, in the order they were recorded.
	 * @return the outcomes
	 */
	public Map<UUID, SendOutcome> outcomes() {
		return Collections.unmodifiableMap(this.outcomes);
	}

}
