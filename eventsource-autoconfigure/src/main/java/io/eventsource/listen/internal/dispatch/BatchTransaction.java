package io.eventsource.listen.internal.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.store.internal.AggregateRef;
import io.eventsource.store.internal.AppliedEvent;
import io.eventsource.store.internal.PositionUpdate;
import io.eventsource.store.internal.ProjectionPosition;
import org.jspecify.annotations.Nullable;

/**
 * The state of one transaction of several events: each position is locked once, when
 * first needed, and moved once, and the ack rows are written together, at the end. Where
 * an aggregate's events in the transaction follow its position without a gap (the usual
 * case), the statement that locks the position also moves it past them all, and nothing
 * is left to write at the end.
 */
final class BatchTransaction {

	private final EventHandlers handlers;

	private final HandlerRunner runner;

	private final ProjectionPositions store;

	private final Instant now;

	/** Per aggregate, the last sequence of its events in a row from its first one. */
	private final Map<AggregateRef, Long> runEnds;

	private final Map<Position, ProjectionPosition> positions = new HashMap<>();

	private final Set<Position> moved = new LinkedHashSet<>();

	/** The sequence each position was moved to when it was locked. */
	private final Map<Position, Long> movedAhead = new HashMap<>();

	private final List<AppliedEvent> acks = new ArrayList<>();

	BatchTransaction(Instant now, List<ReceivedEvent> events, EventHandlers handlers, HandlerRunner runner,
			ProjectionPositions store) {
		this.now = now;
		this.runEnds = runEnds(events);
		this.handlers = handlers;
		this.runner = runner;
		this.store = store;
	}

	private static Map<AggregateRef, Long> runEnds(List<ReceivedEvent> events) {
		Map<AggregateRef, Long> ends = new HashMap<>();
		Set<AggregateRef> broken = new HashSet<>();
		for (ReceivedEvent event : events) {
			EventMetadata metadata = event.metadata();
			AggregateRef aggregate = new AggregateRef(metadata.aggregateType(), metadata.aggregateId());
			Long end = ends.putIfAbsent(aggregate, metadata.sequence());
			if (end != null && !broken.contains(aggregate)) {
				if (metadata.sequence() == end + 1) {
					ends.put(aggregate, metadata.sequence());
				}
				else {
					broken.add(aggregate);
				}
			}
		}
		return ends;
	}

	/**
	 * Applies an event to every projection of its aggregate type.
	 * @param event the event
	 * @param progress where the transaction got to, for a failure
	 * @return what each projection did
	 */
	List<ProjectionAttempt> apply(ReceivedEvent event, Progress progress) {
		EventMetadata metadata = event.metadata();
		List<ProjectionAttempt> applied = new ArrayList<>(2);
		for (String projection : this.handlers.projections(metadata.aggregateType())) {
			progress.projection = projection;
			long start = System.nanoTime();
			Position position = new Position(projection, metadata.aggregateType(), metadata.aggregateId());
			ProjectionPosition current = this.positions.get(position);
			if (current == null) {
				current = lock(position, metadata);
			}
			DispatchOutcome outcome = this.runner.runIfNext(current, projection, metadata, event.payload());
			if (outcome == DispatchOutcome.PARKED) {
				this.store.parkBehind(projection, metadata, event.payload(), this.now);
			}
			if (outcome == DispatchOutcome.OK) {
				this.acks.add(new AppliedEvent(projection, metadata));
			}
			if (outcome == DispatchOutcome.OK || outcome == DispatchOutcome.IGNORED) {
				current = new ProjectionPosition(metadata.sequence(), false);
				this.moved.add(position);
			}
			this.positions.put(position, current);
			applied.add(new ProjectionAttempt(projection, outcome, System.nanoTime() - start));
		}
		return applied;
	}

	/**
	 * Locks a position the first time an event needs it; when the event is the next one,
	 * moves it ahead at once to the end of its aggregate's run.
	 */
	private ProjectionPosition lock(Position position, EventMetadata metadata) {
		long to = Math.max(metadata.sequence(), this.runEnds
			.getOrDefault(new AggregateRef(metadata.aggregateType(), metadata.aggregateId()), metadata.sequence()));
		ProjectionPositions.Locked locked = this.store.lock(position.projection(), metadata, to, this.now);
		if (locked.movedAhead()) {
			this.movedAhead.put(position, to);
		}
		return locked.position();
	}

	/**
	 * Writes the ack rows and the positions not moved yet, at the end of the transaction.
	 */
	void flush() {
		this.store.recordApplied(this.acks, this.now);
		// a position moved ahead is in moved too: its first event was applied or
		// ignored (a failure rolls the transaction back)
		List<PositionUpdate> updates = new ArrayList<>(this.moved.size());
		for (Position position : this.moved) {
			long last = this.positions.get(position).lastSequence();
			Long ahead = this.movedAhead.get(position);
			if (ahead == null || ahead != last) {
				// locked the usual way, or moved ahead past events that were then
				// left out: write where it ended
				updates.add(new PositionUpdate(position.projection(), position.aggregateType(), position.aggregateId(),
						last));
			}
		}
		this.store.advanceAll(updates, this.now);
	}

	private record Position(String projection, String aggregateType, String aggregateId) {
	}

	/**
	 * Where a transaction of several events got to: the event and projection being
	 * applied, and what it threw.
	 */
	static final class Progress {

		int event;

		@Nullable String projection;

		@Nullable RuntimeException failure;

	}

}
