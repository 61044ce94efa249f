package io.eventsource.process;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.eventsource.envelope.AggregateNames;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventTypes;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

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
public final class ProcessContext<S> {

	private final String processType;

	private final String processId;

	private final int version;

	private @Nullable S state;

	private final Map<String, Instant> timeouts = new LinkedHashMap<>();

	private final List<Outgoing> outgoing = new ArrayList<>();

	private @Nullable EventMetadata event;

	private boolean replaying;

	private boolean completed;

	ProcessContext(String processType, String processId, int version, @Nullable S state) {
		this.processType = processType;
		this.processId = processId;
		this.version = version;
		this.state = state;
	}

	/**
	 * Returns the process type.
	 * @return the process type
	 */
	public String processType() {
		return this.processType;
	}

	/**
	 * Returns the process id: the correlation id the instance follows.
	 * @return the process id
	 */
	public String processId() {
		return this.processId;
	}

	/**
	 * Returns the definition version the instance runs.
	 * @return the version
	 */
	public int version() {
		return this.version;
	}

	/**
	 * Returns the state, as rebuilt from the history so far.
	 * @return the state
	 * @throws IllegalStateException if the process declares no state class
	 */
	public S state() {
		Assert.state(this.state != null, () -> "Process type '" + this.processType
				+ "' has no state; declare one with @ProcessManager(state = ...) or set it with setState");
		return this.state;
	}

	/**
	 * Replaces the state, for an immutable state class.
	 * @param state the new state
	 */
	public void setState(S state) {
		Assert.notNull(state, "'state' must not be null");
		this.state = state;
	}

	/**
	 * Returns the metadata of the event being handled, as its producer published it (its
	 * own id, aggregate and sequence).
	 * @return the handled event
	 */
	public EventMetadata event() {
		Assert.state(this.event != null, "No event is being handled");
		return this.event;
	}

	/**
	 * Returns the time of the handled event: the clock a handler schedules by, the same
	 * when the history is replayed.
	 * @return when the handled event was appended to the instance's stream
	 */
	public Instant now() {
		return event().occurredAt();
	}

	/**
	 * Returns whether the history is being replayed: what the handler sends is dropped.
	 * @return whether this call replays an event handled before
	 */
	public boolean isReplaying() {
		return this.replaying;
	}

	/**
	 * Sends a command to one service, as an event of the aggregate type the command class
	 * declares with {@code @EventType(aggregate = "...")} and of the aggregate id that is
	 * the process id. Listeners of other services acknowledge it as ignored.
	 * @param service the service the command is for
	 * @param command the command
	 */
	public void send(String service, Object command) {
		send(service, declaredAggregate(command), this.processId, command);
	}

	/**
	 * Sends a command to one service as an event of a given aggregate.
	 * @param service the service the command is for
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param command the command
	 */
	public void send(String service, String aggregateType, String aggregateId, Object command) {
		AggregateNames.requireServiceName(service);
		add(new Outgoing(service, aggregateType, aggregateId, command));
	}

	/**
	 * Publishes an event to every listener, of the aggregate type the event class
	 * declares and of the aggregate id that is the process id.
	 * @param event the event
	 */
	public void publish(Object event) {
		publish(declaredAggregate(event), this.processId, event);
	}

	/**
	 * Publishes an event of a given aggregate to every listener.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param event the event
	 */
	public void publish(String aggregateType, String aggregateId, Object event) {
		add(new Outgoing(null, aggregateType, aggregateId, event));
	}

	/**
	 * Schedules a timeout after the handled event's time, replacing one of the same name;
	 * it fires once as a {@link ProcessTimedOut} event unless cancelled or the process
	 * completes first.
	 * @param name the timeout's name
	 * @param delay the delay
	 */
	public void scheduleTimeout(String name, Duration delay) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.isTrue(name.length() <= 128, "'name' must be at most 128 characters");
		Assert.isTrue(delay != null && !delay.isNegative(), "'delay' must not be negative");
		this.timeouts.put(name, now().plus(delay).truncatedTo(ChronoUnit.MICROS));
	}

	/**
	 * Cancels a timeout; nothing happens when none of that name is pending.
	 * @param name the timeout's name
	 */
	public void cancelTimeout(String name) {
		this.timeouts.remove(name);
	}

	/**
	 * Returns the pending timeouts.
	 * @return when each pending timeout is due, by name
	 */
	public Map<String, Instant> timeouts() {
		return Collections.unmodifiableMap(this.timeouts);
	}

	/**
	 * Completes the process once the handler returns: its pending timeouts are cancelled
	 * and later events of its correlation id are not routed to it.
	 */
	public void complete() {
		this.completed = true;
		this.timeouts.clear();
	}

	/**
	 * Returns whether the process completed.
	 * @return whether a handler completed it
	 */
	public boolean isCompleted() {
		return this.completed;
	}

	/**
	 * Rejects the handled event as invalid in the current state.
	 * @param reason why
	 * @throws ProcessRejectedException always
	 */
	public void reject(String reason) {
		throw new ProcessRejectedException(reason);
	}

	void begin(EventMetadata event, boolean replaying) {
		this.event = event;
		this.replaying = replaying;
		this.outgoing.clear();
	}

	void fired(String name) {
		this.timeouts.remove(name);
	}

	List<Outgoing> outgoing() {
		return List.copyOf(this.outgoing);
	}

	@Nullable S currentState() {
		return this.state;
	}

	private void add(Outgoing message) {
		AggregateNames.requireAggregateType(message.aggregateType());
		AggregateNames.requireAggregateId(message.aggregateId());
		Assert.notNull(message.event(), "'event' must not be null");
		this.outgoing.add(message);
	}

	private String declaredAggregate(Object event) {
		Assert.notNull(event, "'event' must not be null");
		String aggregate = EventTypes.aggregateOf(event.getClass());
		Assert.isTrue(aggregate != null, () -> event.getClass().getName()
				+ " declares no aggregate type; annotate it with @EventType(aggregate = \"...\") or name the aggregate");
		return aggregate;
	}

	/**
	 * A command or event a handler sent.
	 *
	 * @param service the service a command is for, or {@code null} for an event
	 * @param aggregateType its aggregate type
	 * @param aggregateId its aggregate id
	 * @param event the command or event
	 */
	record Outgoing(@Nullable String service, String aggregateType, String aggregateId, Object event) {

	}

}
