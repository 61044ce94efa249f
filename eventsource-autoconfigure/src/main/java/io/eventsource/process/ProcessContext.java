package io.eventsource.process;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.eventsource.envelope.EventMetadata;

/**
 * What a {@link ProcessHandler @ProcessHandler} method sees of its process instance and
 * what it can do: read and replace the state, send commands, publish events, schedule and
 * cancel timeouts, complete the process or reject the event.
 * <p>
 * While the history is replayed ({@link #isReplaying()}), sends, publishes and the
 * completion are recorded and dropped: they happened when the event was first handled.
 * The state and the pending timeouts are rebuilt. Not thread-safe; valid during the call
 * only.
 *
 * @param <S> the state class of the process
 */
public interface ProcessContext<S> {

	/**
	 * Returns the process type.
	 * @return the process type
	 */
	String processType();

	/**
	 * Returns the process id: the correlation id the instance follows.
	 * @return the process id
	 */
	String processId();

	/**
	 * Returns the definition version the instance runs.
	 * @return the version
	 */
	int version();

	/**
	 * Returns the state, as rebuilt from the history so far.
	 * @return the state
	 * @throws IllegalStateException if the process declares no state class
	 */
	S state();

	/**
	 * Replaces the state, for an immutable state class.
	 * @param state the new state
	 */
	void setState(S state);

	/**
	 * Returns the metadata of the event being handled, as its producer published it (its
	 * own id, aggregate and sequence).
	 * @return the handled event
	 */
	EventMetadata event();

	/**
	 * Returns the time of the handled event: the clock a handler schedules by, the same
	 * when the history is replayed.
	 * @return when the handled event was appended to the instance's stream
	 */
	Instant now();

	/**
	 * Returns whether the history is being replayed: what the handler sends is dropped.
	 * @return whether this call replays an event handled before
	 */
	boolean isReplaying();

	/**
	 * Sends a command to one service, as an event of the aggregate type the command class
	 * declares with {@code @EventType(aggregate = "...")} and of the aggregate id that is
	 * the process id. Listeners of other services acknowledge it as ignored.
	 * @param service the service the command is for
	 * @param command the command
	 */
	void send(String service, Object command);

	/**
	 * Sends a command to one service as an event of a given aggregate.
	 * @param service the service the command is for
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param command the command
	 */
	void send(String service, String aggregateType, String aggregateId, Object command);

	/**
	 * Publishes an event to every listener, of the aggregate type the event class
	 * declares and of the aggregate id that is the process id.
	 * @param event the event
	 */
	void publish(Object event);

	/**
	 * Publishes an event of a given aggregate to every listener.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param event the event
	 */
	void publish(String aggregateType, String aggregateId, Object event);

	/**
	 * Schedules a timeout after the handled event's time, replacing one of the same name;
	 * it fires once as a {@link ProcessTimedOut} event unless cancelled or the process
	 * completes first.
	 * @param name the timeout's name
	 * @param delay the delay
	 */
	void scheduleTimeout(String name, Duration delay);

	/**
	 * Cancels a timeout; nothing happens when none of that name is pending.
	 * @param name the timeout's name
	 */
	void cancelTimeout(String name);

	/**
	 * Returns the pending timeouts.
	 * @return when each pending timeout is due, by name
	 */
	Map<String, Instant> timeouts();

	/**
	 * Completes the process once the handler returns: its pending timeouts are cancelled
	 * and later events of its correlation id are not routed to it.
	 */
	void complete();

	/**
	 * Returns whether the process completed.
	 * @return whether a handler completed it
	 */
	boolean isCompleted();

	/**
	 * Rejects the handled event as invalid in the current state.
	 * @param reason why
	 * @throws ProcessRejectedException always
	 */
	void reject(String reason);

}
