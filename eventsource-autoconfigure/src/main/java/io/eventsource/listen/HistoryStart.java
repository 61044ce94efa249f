package io.eventsource.listen;

import java.time.Clock;
import java.time.Instant;

import io.eventsource.store.ConsumerStateRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Where the history a service applies starts, for {@code catch-up-from=now}: the instant
 * it first started, kept in {@code message_consumer_state} as
 * {@code {service}/listening-since} so that every instance and every restart agree. An
 * event published before it is acknowledged without running a handler (outcome
 * {@code ignored}), also when gap repair brings it, so that a service deployed "from now"
 * gets no history of the aggregates it meets, only their events from then on.
 */
public class HistoryStart implements SmartInitializingSingleton {

	private static final HistoryStart EVERYTHING = new HistoryStart(null, "", false, Clock.systemUTC());

	private final @Nullable ConsumerStateRepository state;

	private final String service;

	private final boolean fromNow;

	private final Clock clock;

	private volatile @Nullable Instant since;

	/**
	 * Creates the start of a service's history.
	 * @param state the consumer state table, or {@code null} when the history starts at
	 * the beginning
	 * @param service this service
	 * @param fromNow whether the history starts when the service first started
	 * @param clock the clock
	 */
	public HistoryStart(@Nullable ConsumerStateRepository state, String service, boolean fromNow, Clock clock) {
		this.state = state;
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
			String saved = this.state.saveIfAbsent(this.service + "/listening-since", this.clock.instant().toString(),
					this.clock.instant());
			this.since = Instant.parse(saved);
		}
	}

	/**
	 * Returns whether an event was published before the history this service applies.
	 * @param occurredAt when the event was published
	 * @return whether it is history to pass over
	 */
	boolean isBefore(Instant occurredAt) {
		Instant since = this.since;
		return since != null && occurredAt.isBefore(since);
	}

}
