package io.eventsource.listen;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Consumes, for one topology, the aggregate types this service has
 * {@link EventSourceListener} methods for, and applies their events through the
 * {@code EventDispatcher}. Starts after the application context is ready; on stop, the
 * events in progress finish and are acknowledged and the rest go back to their queues.
 */
public interface ListenerContainer extends SmartLifecycle {

	/**
	 * Returns whether every queue this container must consume is consumed.
	 * @return {@code true} when it consumes
	 */
	boolean isConsuming();

	/**
	 * Returns the aggregate types this container listens to.
	 * @return the aggregate types
	 */
	Set<String> aggregateTypes();

	/**
	 * Returns how many queues this instance consumes, per aggregate type it listens to.
	 * @return the count per aggregate type, {@code 0} for a type with none
	 */
	Map<String, Integer> consumersByAggregateType();

	/**
	 * Returns whether this container writes heartbeats to the registry.
	 * @return {@code true} when its {@link #lastHeartbeat()} is kept
	 */
	default boolean writesHeartbeats() {
		return false;
	}

	/**
	 * Returns when this instance last wrote its heartbeat to the registry.
	 * @return the time, or {@code null} before the first or when this container writes
	 * none
	 */
	default @Nullable Instant lastHeartbeat() {
		return null;
	}

}
