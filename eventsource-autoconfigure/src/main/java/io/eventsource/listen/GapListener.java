package io.eventsource.listen;

import io.eventsource.envelope.EventMetadata;

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

}
