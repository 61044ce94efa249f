package io.eventsource.listen.internal.catchup;

import java.time.Duration;

/**
 * How a service catches up from the producers' logs.
 *
 * @param service this service
 * @param onStart whether it catches up after startup
 * @param fromBeginning where it starts in a producer's log it has no cursor in: the first
 * event, or now
 * @param horizon how far behind now the producers' answers stop
 * @param maxBatch the most events applied in one transaction
 * @param retryDelay the wait before a catch-up that could not apply a page runs again
 * @param interval how often it catches up while it runs; zero for only after startup and
 * on demand
 */
public record CatchUpSettings(String service, boolean onStart, boolean fromBeginning, Duration horizon, int maxBatch,
		Duration retryDelay, Duration interval) {

	/**
	 * Creates the settings of a service that does not catch up periodically.
	 * @param service this service
	 * @param onStart whether it catches up after startup
	 * @param fromBeginning where it starts in a producer's log it has no cursor in
	 * @param horizon how far behind now the producers' answers stop
	 * @param maxBatch the most events applied in one transaction
	 * @param retryDelay the wait before a catch-up that could not apply a page runs again
	 */
	public CatchUpSettings(String service, boolean onStart, boolean fromBeginning, Duration horizon, int maxBatch,
			Duration retryDelay) {
		this(service, onStart, fromBeginning, horizon, maxBatch, retryDelay, Duration.ZERO);
	}

}
