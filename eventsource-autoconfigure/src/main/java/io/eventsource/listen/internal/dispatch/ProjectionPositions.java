package io.eventsource.listen.internal.dispatch;

import java.time.Instant;
import java.util.List;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.CloudEventsAmqpBinding;
import io.eventsource.store.internal.AckStatus;
import io.eventsource.store.internal.InboxRepository;
import io.eventsource.store.internal.ParkedEventRepository;
import io.eventsource.store.internal.ParkedPayload;

/**
 * The positions and ack rows of this service's projections, written in the caller's
 * transaction: the locks that make competing consumers of an aggregate take turns, and
 * what an applied or parked event leaves in the inbox.
 */
final class ProjectionPositions {

	private final InboxRepository inbox;

	private final ParkedEventRepository parked;

	private final String service;

	ProjectionPositions(InboxRepository inbox, ParkedEventRepository parked, String service) {
		this.inbox = inbox;
		this.parked = parked;
		this.service = service;
	}

	/**
	 * Locks a projection's position for an event until the transaction ends. When the
	 * event is the next one, the statement that locks it also moves it to {@code to}
	 * ({@link InboxRepository#advanceIfAt}, where the database can); the position
	 * returned is then the one before the event, as the handler's check needs it.
	 * @param projection the projection
	 * @param metadata the event
	 * @param to where to move the position when the event is the next one
	 * @param now the time
	 * @return the position before the event, and whether it was moved already
	 */
	Locked lock(String projection, EventMetadata metadata, long to, Instant now) {
		long sequence = metadata.sequence();
		if (sequence > 0 && this.inbox.advanceIfAt(this.service, projection, metadata.aggregateType(),
				metadata.aggregateId(), sequence - 1, to, now)) {
			return new Locked(new InboxRepository.ProjectionPosition(sequence - 1, false), true);
		}
		return new Locked(
				this.inbox.lockPosition(this.service, projection, metadata.aggregateType(), metadata.aggregateId()),
				false);
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
		this.parked.park(this.service, projection, metadata,
				ParkedPayload.of(payload, CloudEventsAmqpBinding.CONTENT_TYPE), reason, now);
		this.inbox.record(this.service, projection, metadata, AckStatus.PARKED, reason, now);
	}

	/**
	 * Records an event as applied.
	 * @param projection the projection
	 * @param metadata the event
	 * @param now the time
	 */
	void recordApplied(String projection, EventMetadata metadata, Instant now) {
		this.inbox.record(this.service, projection, metadata, AckStatus.OK, null, now);
	}

	/**
	 * Moves a projection's position to an event.
	 * @param projection the projection
	 * @param metadata the event
	 * @param now the time
	 */
	void advance(String projection, EventMetadata metadata, Instant now) {
		this.inbox.advance(this.service, projection, metadata, now);
	}

	/**
	 * Records events as applied, in one round trip.
	 * @param acks the projections and the events they applied
	 * @param now the time
	 */
	void recordApplied(List<InboxRepository.Applied> acks, Instant now) {
		this.inbox.recordApplied(this.service, acks, now);
	}

	/**
	 * Moves positions, in one round trip.
	 * @param updates the positions and their new sequences
	 * @param now the time
	 */
	void advanceAll(List<InboxRepository.PositionUpdate> updates, Instant now) {
		this.inbox.advanceAll(this.service, updates, now);
	}

	/**
	 * A locked position, and whether locking it already moved it past the event.
	 *
	 * @param position the position before the event
	 * @param movedAhead whether the lock also moved it
	 */
	record Locked(InboxRepository.ProjectionPosition position, boolean movedAhead) {

	}

}
