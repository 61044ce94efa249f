package io.eventsource.registry;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Whether a service registry answered the last time it was asked, and since when. The
 * health indicator shows it; an unreachable registry does not make a service DOWN (the
 * relay goes on with the services it last knew).
 *
 * @param reachable whether it answered
 * @param since since when it has been in this state
 * @param error the error of the outage, shortened to its type and message, {@code null}
 * when reachable
 */
public record RegistryStatus(boolean reachable, Instant since, @Nullable String error) {

	/**
	 * Returns the status of a registry that answers.
	 * @param since since when it answers
	 * @return the status
	 */
	public static RegistryStatus reachable(Instant since) {
		return new RegistryStatus(true, since, null);
	}

	/**
	 * Returns the status of a registry that does not answer.
	 * @param since since when it does not
	 * @param error why it did not answer the last time
	 * @return the status
	 */
	public static RegistryStatus unreachable(Instant since, Throwable error) {
		return new RegistryStatus(false, since, error.getClass().getSimpleName() + ": " + error.getMessage());
	}

}
