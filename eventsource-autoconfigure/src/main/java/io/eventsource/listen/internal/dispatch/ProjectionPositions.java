package io.eventsource.listen.internal.dispatch;

import java.time.Instant;
import java.util.List;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.CloudEventsAmqpBinding;
import io.eventsource.store.internal.AckStatus;
import io.eventsource.store.internal.AppliedEvent;
import io.eventsource.store.internal.ParkedPayload;
import io.eventsource.store.internal.PositionUpdate;
import io.eventsource.store.internal.ProjectionPosition;
import io.eventsource.store.internal.ProjectionPositionRepository;

/**
 * The positions and ack rows of this service's projections, written in the caller's
 * transaction: the locks that make competing consumers of an aggregate take turns, and
 * what an applied or parked event leaves in the inbox.
 */
final class ProjectionPositions {

	private final ListenerStorage storage;

	private final String service;

	ProjectionPositions(ListenerStorage storage, String service) {
		this.storage = storage;
		this.service = service;
	}

	/**
	 * Locks a projection's position for an event until the transaction ends. When the
	 * event is the next one, the statement that locks it also moves it to {@code to}
	 * ({@link ProjectionPositionRepository#advanceIfAt}, where the database can); the
	 * position returned is then the one before the event, as the handler's check needs
	 * it.
	 * @param projection the projection
	 * @param metadata the event
	 * @param to where to move the position when the event is the next one
	 * @param now the time
	 * @return the position before the event, and whether it was moved already
	 */
	Locked lock(String projection, EventMetadata metadata, long to, Instant now) {
		long sequence = metadata.sequence();
		if (sequence > 0 && this.storage.positions()
			.advanceIfAt(this.service, projection, metadata.aggregateType(), metadata.aggregateId(), sequence - 1, to,
					now)) {
			return new Locked(new ProjectionPosition(sequence - 1, false), true);
		}
		return new Locked(this.storage.positions()
			.lockPosition(this.service, projection, metadata.aggregateType(), metadata.aggregateId()), false);
	}

	/**
	 * Parks an event behind a parked event of its aggregate.
	 * @param projection the projection
	 * @param metadata the event
	 * @param payload its payload
	 * @param now the time
	 */
	void parkBehind(String projection, EventMetadata metadata, byte[] payload, Instant now) {
		String reason = "An earlier event of " + metadata.aggregateType() + "-" + metadata.aggregateId()
				+ " is parked for '" + projection + "'";
		this.storage.parked()
			.park(this.service, projection, metadata, ParkedPayload.of(payload, CloudEventsAmqpBinding.CONTENT_TYPE),
					reason, now);
		this.storage.acks().record(this.service, projection, metadata, AckStatus.PARKED, reason, now);
	}

	/**
	 * Records an event as applied.
	 * @param projection the projection
	 * @param metadata the event
	 * @param now the time
	 */
	void recordApplied(String projection, EventMetadata metadata, Instant now) {
		this.storage.acks().record(this.service, projection, metadata, AckStatus.OK, null, now);
	}

	/**
	 * Moves a projection's position to an event.
	 * @param projection the projection
	 * @param metadata the event
	 * @param now the time
	 */
	void advance(String projection, EventMetadata metadata, Instant now) {
		this.storage.positions().advance(this.service, projection, metadata, now);
	}

	/**
	 * Records events as applied, in one round trip.
	 * @param acks the projections and the events they applied
	 * @param now the time
	 */
	void recordApplied(List<AppliedEvent> acks, Instant now) {
		this.storage.acks().recordApplied(this.service, acks, now);
	}

	/**
	 * Moves positions, in one round trip.
	 * @param updates the positions and their new sequences
	 * @param now the time
	 */
	void advanceAll(List<PositionUpdate> updates, Instant now) {
		this.storage.positions().advanceAll(this.service, updates, now);
	}

	/**
	 * A locked position, and whether locking it already moved it past the event.
	 *
	 * @param position the position before the event
	 * @param movedAhead whether the lock also moved it
	 */
	record Locked(ProjectionPosition position, boolean movedAhead) {

	}

}
