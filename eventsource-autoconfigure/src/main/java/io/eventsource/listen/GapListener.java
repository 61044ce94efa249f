package io.eventsource.listen;

import io.eventsource.envelope.EventMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Told of every event that arrives after a gap: its aggregate's position for a projection
 * is more than one sequence behind it.
 */
@FunctionalInterface
public interface GapListener {

	/** Does nothing: the event waits until the missing ones arrive by themselves. */
	GapListener NONE = (metadata, lastApplied) -> {
	};

	/**
	 * Called when an event cannot be applied yet because earlier ones are missing.
	 * @param metadata the event that arrived
	 * @param lastApplied the last sequence of its aggregate the projection applied
	 */
	void gapBefore(EventMetadata metadata, long lastApplied);

	/**
	 * Called when an event is the next one of its aggregate for a projection, in the
	 * transaction that applies it (or passes it over): it waits no longer, and no other
	 * event with its sequence is the producer's.
	 * @param metadata the event
	 */
	default void applying(EventMetadata metadata) {
	}

	/**
	 * Returns why an event reported to {@link #gapBefore} is not to be waited for any
	 * longer, from the moment it is given up until it is {@linkplain #settled settled}:
	 * it will never be applied, and is parked as not an event of the producers' logs
	 * (under {@value EventDispatcher#MALFORMED}), so that it neither holds its queue nor
	 * stands in for the real event of its sequence.
	 * @param metadata the event
	 * @return the reason, or {@code null} while it waits or is not known (by default,
	 * always)
	 */
	default @Nullable String abandoned(EventMetadata metadata) {
		return null;
	}

	/**
	 * Called once an event {@linkplain #abandoned given up} is parked or dropped: it is
	 * forgotten.
	 * @param metadata the event
	 */
	default void settled(EventMetadata metadata) {
	}

}
