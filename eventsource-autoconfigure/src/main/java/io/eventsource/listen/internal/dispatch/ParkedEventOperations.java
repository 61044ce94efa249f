package io.eventsource.listen.internal.dispatch;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.GapListener;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.listen.internal.handler.EventPayloads;
import io.eventsource.store.internal.AckStatus;
import io.eventsource.store.internal.ParkedEventRepository.ParkedEvent;
import io.eventsource.store.internal.ProjectionPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The events this service parked, and the two ways out of parking. <em>Retry</em> applies
 * a projection's parked events of an aggregate in sequence order, each in a transaction
 * of its own with its ack row, and once none is left, releases the aggregate so that live
 * delivery applies the next events again; it stops at the first event that fails (which
 * stays parked, its attempt counted) or that waits for a missing predecessor.
 * <em>Skip</em> marks the lowest parked event of an aggregate {@code skipped}, moves the
 * projection's position past it without running its handler, and retries the rest. Events
 * that arrive while a retry runs are parked behind and applied by it, in order.
 */
public class ParkedEventOperations {

	private static final Log logger = LogFactory.getLog(ParkedEventOperations.class);

	private final HandlerRunner runner;

	private final ListenerStorage storage;

	private final String service;

	private final Clock clock;

	/**
	 * Creates the parked events of a service.
	 * @param handlers the handlers of this service
	 * @param payloads the binding of payloads to event classes
	 * @param storage the inbox, the parked events and the handlers' transactions
	 * @param service this service's name
	 * @param clock the clock
	 */
	public ParkedEventOperations(EventHandlers handlers, EventPayloads payloads, ListenerStorage storage,
			String service, Clock clock) {
		// an operator retrying a parked event wants it applied: no size limit
		this.runner = new HandlerRunner(handlers, payloads, Long.MAX_VALUE, service, GapListener.NONE,
				HistoryStart.everything());
		this.storage = storage;
		this.service = service;
		this.clock = clock;
	}

	/**
	 * Returns the events this service parked, by projection and aggregate, lowest
	 * sequence first.
	 * @param limit the most events to return
	 * @return the events
	 */
	public List<ParkedEvent> list(int limit) {
		return this.storage.parked().findAll(this.service, limit);
	}

	/**
	 * Applies a projection's parked events of an aggregate in sequence order and, once
	 * none is left, releases the aggregate.
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return what was applied and what is left
	 */
	public RetryResult retry(String projection, String aggregateType, String aggregateId) {
		Assert.hasText(projection, "'projection' must not be empty");
		Assert.isTrue(!EventDispatcher.MALFORMED.equals(projection),
				"Malformed messages cannot be applied; look at them and skip them");
		int applied = 0;
		while (true) {
			Step step;
			try {
				step = this.storage.transactions()
					.execute((status) -> retryNext(projection, aggregateType, aggregateId));
			}
			catch (RuntimeException ex) {
				return failed(projection, aggregateType, aggregateId, applied, ex);
			}
			if (step == null || step == Step.RELEASED) {
				logger.info("Projection '" + projection + "' applied " + applied + " parked events of " + aggregateType
						+ "-" + aggregateId + " and released it");
				return new RetryResult(applied, 0, null);
			}
			if (step == Step.WAITS) {
				return new RetryResult(applied, left(projection, aggregateType, aggregateId),
						"the lowest parked event waits for an earlier one that was never applied");
			}
			applied++;
		}
	}

	/**
	 * * Skips the lowest parked event of an aggregate for a projection: it is marked
	 * {@code skipped} and never applied; then the rest is retried. A malformed message
	 * (projection {@value EventDispatcher#MALFORMED}) is removed.
	 * @param projection the projection
	 * @param eventId the event id
	 * @return what the retry of the rest applied and left
	 * @throws IllegalArgumentException if the event is not parked for the projection, or
	 * is not the lowest parked event of its aggregate
	 */
	public RetryResult skip(String projection, UUID eventId) {
		ParkedEvent event = this.storage.parked().find(this.service, projection, eventId);
		Assert.isTrue(event != null, () -> "Event " + eventId + " is not parked for projection '" + projection + "'");
		EventMetadata metadata = event.metadata();
		if (EventDispatcher.MALFORMED.equals(projection)) {
			this.storage.transactions()
				.executeWithoutResult((status) -> this.storage.parked().delete(this.service, projection, eventId));
			logger.warn("Skipped the malformed message " + eventId + " of " + metadata.aggregateType() + "-"
					+ metadata.aggregateId());
			return new RetryResult(0, 0, null);
		}
		this.storage.transactions().executeWithoutResult((status) -> {
			ProjectionPosition position = this.storage.positions()
				.lockPosition(this.service, projection, metadata.aggregateType(), metadata.aggregateId());
			List<ParkedEvent> lowest = this.storage.parked()
				.find(this.service, projection, metadata.aggregateType(), metadata.aggregateId(), 1);
			Assert.isTrue(!lowest.isEmpty() && lowest.get(0).metadata().eventId().equals(eventId),
					() -> "Event " + eventId + " is not the lowest parked event of " + metadata.aggregateType() + "-"
							+ metadata.aggregateId() + " for '" + projection + "'; skip that one first");
			Instant now = this.clock.instant();
			if (metadata.sequence() > position.lastSequence()) {
				this.storage.positions().advance(this.service, projection, metadata, now);
			}
			this.storage.acks()
				.record(this.service, projection, metadata, AckStatus.SKIPPED, "skipped by an operator", now);
			this.storage.parked().delete(this.service, projection, eventId);
		});
		logger.warn("Projection '" + projection + "' skipped " + metadata.aggregateType() + "-" + metadata.aggregateId()
				+ " #" + metadata.sequence() + " (" + eventId + ")");
		return retry(projection, metadata.aggregateType(), metadata.aggregateId());
	}

	private Step retryNext(String projection, String aggregateType, String aggregateId) {
		ProjectionPosition position = this.storage.positions()
			.lockPosition(this.service, projection, aggregateType, aggregateId);
		List<ParkedEvent> next = this.storage.parked().find(this.service, projection, aggregateType, aggregateId, 1);
		if (next.isEmpty()) {
			if (position.parked()) {
				this.storage.positions().setParked(this.service, projection, aggregateType, aggregateId, false);
			}
			return Step.RELEASED;
		}
		ParkedEvent event = next.get(0);
		EventMetadata metadata = event.metadata();
		DispatchOutcome outcome = this.runner.runIfNext(new ProjectionPosition(position.lastSequence(), false),
				projection, metadata, event.payload().bytes());
		if (outcome == DispatchOutcome.GAP) {
			return Step.WAITS;
		}
		Instant now = this.clock.instant();
		if (outcome == DispatchOutcome.OK) {
			this.storage.acks().record(this.service, projection, metadata, AckStatus.OK, null, now);
		}
		if (outcome != DispatchOutcome.DUPLICATE) {
			this.storage.positions().advance(this.service, projection, metadata, now);
		}
		this.storage.parked().delete(this.service, projection, metadata.eventId());
		return Step.APPLIED;
	}

	private RetryResult failed(String projection, String aggregateType, String aggregateId, int applied,
			RuntimeException ex) {
		Throwable cause = HandlerRunner.cause(ex);
		String error = cause.getClass().getName() + ": " + cause.getMessage();
		List<ParkedEvent> next = this.storage.parked().find(this.service, projection, aggregateType, aggregateId, 1);
		if (!next.isEmpty()) {
			EventMetadata metadata = next.get(0).metadata();
			try {
				this.storage.transactions()
					.executeWithoutResult((status) -> this.storage.acks()
						.record(this.service, projection, metadata, AckStatus.PARKED, error, this.clock.instant()));
			}
			catch (RuntimeException recording) {
				logger.warn("Could not record the failed retry of " + metadata.eventId(), recording);
			}
		}
		logger.warn("Projection '" + projection + "' could not apply a parked event of " + aggregateType + "-"
				+ aggregateId + "; it stays parked: " + error, cause);
		return new RetryResult(applied, left(projection, aggregateType, aggregateId), error);
	}

	private int left(String projection, String aggregateType, String aggregateId) {
		return this.storage.parked().count(this.service, projection, aggregateType, aggregateId);
	}

	private enum Step {

		APPLIED, WAITS, RELEASED

	}

	/**
	 * What a retry did.
	 *
	 * @param applied the parked events applied (or found applied already)
	 * @param left the events still parked for the aggregate
	 * @param error why the retry stopped early, {@code null} when none is left
	 */
	public record RetryResult(int applied, int left, @Nullable String error) {

	}

}
