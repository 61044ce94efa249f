package io.eventsource.process.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.envelope.internal.EventTypes;
import io.eventsource.process.ProcessContext;
import io.eventsource.process.ProcessRejectedException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The {@link ProcessContext} of one process instance while one event is handled or
 * replayed: collects what the handler sends, rebuilds the state and the pending timeouts.
 *
 * @param <S> the state class of the process
 */
public final class ProcessInstanceContext<S> implements ProcessContext<S> {

	private final String processType;

	private final String processId;

	private final int version;

	private @Nullable S state;

	private final Map<String, Instant> timeouts = new LinkedHashMap<>();

	private final List<Outgoing> outgoing = new ArrayList<>();

	private @Nullable EventMetadata event;

	private boolean replaying;

	private boolean completed;

	ProcessInstanceContext(String processType, String processId, int version, @Nullable S state) {
		this.processType = processType;
		this.processId = processId;
		this.version = version;
		this.state = state;
	}

	@Override
	public String processType() {
		return this.processType;
	}

	@Override
	public String processId() {
		return this.processId;
	}

	@Override
	public int version() {
		return this.version;
	}

	@Override
	public S state() {
		Assert.state(this.state != null, () -> "Process type '" + this.processType
				+ "' has no state; declare one with @ProcessManager(state = ...) or set it with setState");
		return this.state;
	}

	@Override
	public void setState(S state) {
		Assert.notNull(state, "'state' must not be null");
		this.state = state;
	}

	@Override
	public EventMetadata event() {
		Assert.state(this.event != null, "No event is being handled");
		return this.event;
	}

	@Override
	public Instant now() {
		return event().occurredAt();
	}

	@Override
	public boolean isReplaying() {
		return this.replaying;
	}

	@Override
	public void send(String service, Object command) {
		send(service, declaredAggregate(command), this.processId, command);
	}

	@Override
	public void send(String service, String aggregateType, String aggregateId, Object command) {
		AggregateNames.requireServiceName(service);
		add(new Outgoing(service, aggregateType, aggregateId, command));
	}

	@Override
	public void publish(Object event) {
		publish(declaredAggregate(event), this.processId, event);
	}

	@Override
	public void publish(String aggregateType, String aggregateId, Object event) {
		add(new Outgoing(null, aggregateType, aggregateId, event));
	}

	@Override
	public void scheduleTimeout(String name, Duration delay) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.isTrue(name.length() <= 128, "'name' must be at most 128 characters");
		Assert.isTrue(delay != null && !delay.isNegative(), "'delay' must not be negative");
		this.timeouts.put(name, now().plus(delay).truncatedTo(ChronoUnit.MICROS));
	}

	@Override
	public void cancelTimeout(String name) {
		this.timeouts.remove(name);
	}

	@Override
	public Map<String, Instant> timeouts() {
		return Collections.unmodifiableMap(this.timeouts);
	}

	@Override
	public void complete() {
		this.completed = true;
		this.timeouts.clear();
	}

	@Override
	public boolean isCompleted() {
		return this.completed;
	}

	@Override
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
