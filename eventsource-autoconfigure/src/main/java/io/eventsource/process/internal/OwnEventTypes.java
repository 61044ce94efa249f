package io.eventsource.process.internal;

import java.util.Set;

/**
 * The type names of the events the library writes into a process instance's stream: the
 * {@code @EventType} names of their classes in {@code io.eventsource.process}, which
 * declare them as literals ({@code OwnEventTypesTests} holds the two equal).
 */
public final class OwnEventTypes {

	public static final String STARTED = "ProcessStarted";

	public static final String UPGRADED = "ProcessUpgraded";

	public static final String REJECTED = "ProcessEventRejected";

	public static final String COMPLETED = "ProcessCompleted";

	public static final String TIMED_OUT = "ProcessTimedOut";

	public static final Set<String> ALL = Set.of(STARTED, UPGRADED, REJECTED, COMPLETED, TIMED_OUT);

	private OwnEventTypes() {
	}

	/**
	 * Returns whether an event of a stream only records what happened to the instance,
	 * with no handler to run: every own event but a timeout.
	 */
	public static boolean isRecord(String eventType) {
		return switch (eventType) {
			case STARTED, UPGRADED, REJECTED, COMPLETED -> true;
			default -> false;
		};
	}

}
