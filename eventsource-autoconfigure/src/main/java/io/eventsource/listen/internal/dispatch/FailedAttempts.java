package io.eventsource.listen.internal.dispatch;

import java.time.Clock;
import java.time.Instant;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.CloudEventsAmqpBinding;
import io.eventsource.listen.EventPayloadException;
import io.eventsource.store.internal.AckStatus;
import io.eventsource.store.internal.ParkedPayload;
import io.eventsource.store.internal.ProjectionPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Records a projection's failed attempt at an event, once the attempt's transaction
 * rolled back, in a transaction of its own that holds the projection's position: a
 * {@code fail} ack row with the error while attempts are left; after the last attempt, or
 * at once when the payload does not bind to the handler's class (another attempt cannot
 * help), the event parked, so that the aggregate's later events are parked behind it.
 * When recording fails too, the attempt counts as failed and the event is tried again.
 */
final class FailedAttempts {

	// under the dispatcher's name, which applications set the level of
	private static final Log logger = LogFactory.getLog(EventDispatcher.class);

	private final ListenerStorage storage;

	private final ParkingPolicy parking;

	private final String service;

	private final Clock clock;

	FailedAttempts(ListenerStorage storage, ParkingPolicy parking, String service, Clock clock) {
		this.storage = storage;
		this.parking = parking;
		this.service = service;
		this.clock = clock;
	}

	/**
	 * Records a failed attempt, and parks the event when it is not to be tried again.
	 * @param projection the projection
	 * @param metadata the event
	 * @param payload its payload
	 * @param ex what the attempt threw
	 * @return {@link DispatchOutcome#FAIL} or {@link DispatchOutcome#PARKED}
	 */
	DispatchOutcome record(String projection, EventMetadata metadata, byte[] payload, RuntimeException ex) {
		Throwable cause = HandlerRunner.cause(ex);
		String error = cause.getClass().getName() + ": " + cause.getMessage();
		boolean unreadable = cause instanceof EventPayloadException;
		try {
			DispatchOutcome outcome = this.storage.transactions()
				.execute((status) -> recordInTransaction(projection, metadata, payload, error, unreadable));
			if (outcome == DispatchOutcome.PARKED) {
				logger.error(
						"Projection '" + projection + "' parked " + EventDispatcher.describe(metadata)
								+ (unreadable ? " at once, its payload does not bind: "
										: " after " + this.parking.maxAttempts(projection) + " attempts: ")
								+ error
								+ "; later events of the aggregate are parked behind it until it is retried or skipped",
						cause);
				return DispatchOutcome.PARKED;
			}
		}
		catch (RuntimeException recording) {
			logger.warn("Could not record the failure of " + EventDispatcher.describe(metadata) + " for '" + projection
					+ "'", recording);
		}
		logger.warn("Projection '" + projection + "' failed on " + EventDispatcher.describe(metadata) + ": " + cause,
				cause);
		return DispatchOutcome.FAIL;
	}

	private DispatchOutcome recordInTransaction(String projection, EventMetadata metadata, byte[] payload, String error,
			boolean unreadable) {
		ProjectionPosition position = this.storage.positions()
			.lockPosition(this.service, projection, metadata.aggregateType(), metadata.aggregateId());
		int attempt = this.storage.acks().attempts(metadata.eventId().toString(), this.service, projection) + 1;
		Instant now = this.clock.instant();
		if (!unreadable && attempt < this.parking.maxAttempts(projection)) {
			this.storage.acks().record(this.service, projection, metadata, AckStatus.FAIL, error, now);
			return DispatchOutcome.FAIL;
		}
		this.storage.parked()
			.park(this.service, projection, metadata, ParkedPayload.of(payload, CloudEventsAmqpBinding.CONTENT_TYPE),
					error, now);
		this.storage.acks().record(this.service, projection, metadata, AckStatus.PARKED, error, now);
		if (!position.parked()) {
			this.storage.positions()
				.setParked(this.service, projection, metadata.aggregateType(), metadata.aggregateId(), true);
		}
		return DispatchOutcome.PARKED;
	}

}
