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
	 * Returns, once, why an event reported to {@link #gapBefore} is not to be waited for
	 * any longer: it will never be applied, and is parked as not an event of the
	 * producers' logs (under {@value EventDispatcher#MALFORMED}), so that it neither
	 * holds its queue nor stands in for the real event of its sequence.
	 * @param metadata the event, whose last attempt found a gap before it
	 * @return the reason, or {@code null} while it waits (by default, always)
	 */
	default @Nullable String abandoned(EventMetadata metadata) {
		return null;
	}

}
