package io.eventsource.listen.internal.dispatch;

import java.time.Clock;
import java.time.Instant;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.store.internal.ConsumerStateRepository;
import io.eventsource.store.internal.ProjectionPositionRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Where the history a service applies starts, for {@code catch-up-from=now}: the instant
 * it first started, kept in {@code message_consumer_state} as
 * {@code {service}/listening-since} so that every instance and every restart agree. An
 * event published before it by another service is acknowledged without running a handler
 * (outcome {@code ignored}), also when gap repair brings it, so that a service deployed
 * "from now" gets no history of the aggregates it meets, only their events from then on.
 * A service that already applied events when it is first started with
 * {@code catch-up-from=now} keeps its whole history: its start is the beginning.
 */
public class HistoryStart implements SmartInitializingSingleton {

	private static final HistoryStart EVERYTHING = new HistoryStart(null, null, "", false, Clock.systemUTC());

	private final @Nullable ConsumerStateRepository state;

	private final @Nullable ProjectionPositionRepository positions;

	private final String service;

	private final boolean fromNow;

	private final Clock clock;

	private volatile @Nullable Instant since;

	/**
	 * Creates the start of a service's history.
	 * @param state the consumer state table, or {@code null} when the history starts at
	 * the beginning
	 * @param positions the projections' positions, which tell whether the service applied
	 * events before
	 * @param service this service
	 * @param fromNow whether the history starts when the service first started
	 * @param clock the clock
	 */
	public HistoryStart(@Nullable ConsumerStateRepository state, @Nullable ProjectionPositionRepository positions,
			String service, boolean fromNow, Clock clock) {
		this.state = state;
		this.positions = positions;
		this.service = service;
		this.fromNow = fromNow;
		this.clock = clock;
	}

	/**
	 * Returns the start of a service that applies every event, however old.
	 * @return the start at the beginning
	 */
	public static HistoryStart everything() {
		return EVERYTHING;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.fromNow && this.state != null) {
			boolean listenedBefore = (this.positions != null && this.positions.hasPositions(this.service))
					|| !this.state.cursors(this.service + "/").isEmpty();
			Instant start = listenedBefore ? Instant.EPOCH : this.clock.instant();
			String saved = this.state.saveIfAbsent(this.service + "/listening-since", start.toString(),
					this.clock.instant());
			this.since = Instant.parse(saved);
		}
	}

	/**
	 * Returns whether an event was published before the history this service applies.
	 * @param event the event
	 * @return whether it is history to pass over: another service's event published
	 * before this service first started
	 */
	boolean isBefore(EventMetadata event) {
		Instant since = this.since;
		return since != null && event.occurredAt().isBefore(since) && !event.source().equals(this.service);
	}

}
