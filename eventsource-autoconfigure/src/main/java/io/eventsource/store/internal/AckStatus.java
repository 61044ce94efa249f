package io.eventsource.store.internal;

import java.util.Arrays;

/**
 * What a (service, projection) did with an event, as stored in
 * {@code message_acks.status}.
 */
public enum AckStatus {

	/** The handlers ran and committed. */
	OK("ok"),

	/** The last attempt failed; the event is delivered again. */
	FAIL("fail"),

	/**
	 * The event was set aside after its last attempt, or behind a parked event of its
	 * aggregate; it waits in {@code parked_events} to be retried.
	 */
	PARKED("parked"),

	/** A parked event an operator chose to skip: it is never applied. */
	SKIPPED("skipped");

	private final String value;

	AckStatus(String value) {
		this.value = value;
	}

	/**
	 * Returns the stored value.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

	static AckStatus of(String value) {
		return Arrays.stream(values())
			.filter((status) -> status.value.equals(value))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("Unknown message_acks status '" + value + "'"));
	}

}
