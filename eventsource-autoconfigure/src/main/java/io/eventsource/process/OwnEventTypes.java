package io.eventsource.process;

import java.util.Set;

/**
 * The type names of the events the library writes into a process instance's stream.
 */
final class OwnEventTypes {

	static final String STARTED = "ProcessStarted";

	static final String UPGRADED = "ProcessUpgraded";

	static final String REJECTED = "ProcessEventRejected";

	static final String COMPLETED = "ProcessCompleted";

	static final String TIMED_OUT = "ProcessTimedOut";

	static final Set<String> ALL = Set.of(STARTED, UPGRADED, REJECTED, COMPLETED, TIMED_OUT);

	private OwnEventTypes() {
	}

	/**
	 * Returns whether an event of a stream only records what happened to the instance,
	 * with no handler to run: every own event but a timeout.
	 */
	static boolean isRecord(String eventType) {
		return switch (eventType) {
			case STARTED, UPGRADED, REJECTED, COMPLETED -> true;
			default -> false;
		};
	}

}
