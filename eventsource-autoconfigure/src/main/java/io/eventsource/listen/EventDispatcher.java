package io.eventsource.listen;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.publish.CorrelationContext;
import io.eventsource.store.AckStatus;
import io.eventsource.store.InboxRepository;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Applies an event delivered to this service to every projection bound to its aggregate
 * type, once and in order. Per projection, in one transaction: lock the projection's
 * position for the aggregate; a sequence at or below it is a duplicate, one past the next
 * is a gap; otherwise run the handler (with the event as the {@link CorrelationContext}),
 * write the {@code ok} ack row and move the position. A handler that writes to the same
 * database commits with its ack row, so its effect is applied exactly once. A handler
 * that throws rolls all of that back and leaves a {@code fail} row with the attempts and
 * the error.
 */
public class EventDispatcher {

	private static final Log logger = LogFactory.getLog(EventDispatcher.class);

	private final EventHandlers handlers;

	private final EventPayloads payloads;

	private final InboxRepository inbox;

	private final String service;

	private final TransactionOperations transactions;

	private final ListenerMetrics metrics;

	private final Clock clock;

	private final DataSource dataSource;

	/**
	 * Creates a dispatcher.
	 * @param handlers the handlers of this service
	 * @param payloads the binding of payloads to event classes
	 * @param inbox the inbox
	 * @param service this service's name
	 * @param dataSource the inbox's data source, whose connection every transaction must
	 * hold
	 * @param transactions the transactions of the handlers, on that data source
	 * @param metrics the meters
	 * @param clock the clock
	 */
	public EventDispatcher(EventHandlers handlers, EventPayloads payloads, InboxRepository inbox, String service,
			DataSource dataSource, TransactionOperations transactions, ListenerMetrics metrics, Clock clock) {
		this.dataSource = dataSource;
		this.handlers = handlers;
		this.payloads = payloads;
		this.inbox = inbox;
		this.service = service;
		this.transactions = transactions;
		this.metrics = metrics;
		this.clock = clock;
	}

	/**
	 * Applies an event to every projection bound to its aggregate type.
	 * @param metadata the event's metadata
	 * @param payload the JSON payload
	 * @return the combined outcome: done when every projection applied it, ignored it or
	 * had it already
	 */
	public DispatchOutcome dispatch(EventMetadata metadata, byte[] payload) {
		DispatchOutcome combined = DispatchOutcome.IGNORED;
		boolean any = false;
		for (String projection : this.handlers.projections(metadata.aggregateType())) {
			DispatchOutcome outcome = apply(projection, metadata, payload);
			combined = any ? combined.and(outcome) : outcome;
			any = true;
		}
		if (!any) {
			this.metrics.consumed(metadata, "none", DispatchOutcome.IGNORED);
		}
		return combined;
	}

	private DispatchOutcome apply(String projection, EventMetadata metadata, byte[] payload) {
		long start = System.nanoTime();
		DispatchOutcome outcome;
		try {
			outcome = this.transactions.execute((status) -> applyInTransaction(projection, metadata, payload));
			if (outcome == null) {
				outcome = DispatchOutcome.FAIL;
			}
		}
		catch (TransientDataAccessException ex) {
			// a lock wait or deadlock with another consumer of the aggregate: not the
			// handler's fault
			logger.debug("Projection '" + projection + "' will retry " + describe(metadata) + ": " + ex);
			outcome = DispatchOutcome.FAIL;
		}
		catch (RuntimeException ex) {
			Throwable cause = (ex instanceof HandlerFailedException) ? ex.getCause() : ex;
			logger.warn("Projection '" + projection + "' failed on " + describe(metadata) + ": " + cause, cause);
			recordFailure(projection, metadata, cause);
			outcome = DispatchOutcome.FAIL;
		}
		this.metrics.consumed(metadata, projection, outcome);
		if (outcome == DispatchOutcome.OK) {
			this.metrics.handled(metadata, projection, Duration.ofNanos(System.nanoTime() - start),
					this.clock.instant());
		}
		else if (outcome == DispatchOutcome.GAP) {
			logger.debug("Projection '" + projection + "' waits for an earlier event before " + describe(metadata));
		}
		return outcome;
	}

	private DispatchOutcome applyInTransaction(String projection, EventMetadata metadata, byte[] payload) {
		Assert.state(TransactionSynchronizationManager.getResource(this.dataSource) != null,
				"The listener's transaction does not hold a connection of the DataSource of the inbox; give it a "
						+ "transaction manager of that DataSource");
		long last = this.inbox.lockPosition(this.service, projection, metadata.aggregateType(), metadata.aggregateId());
		if (metadata.sequence() <= last) {
			return DispatchOutcome.DUPLICATE;
		}
		if (metadata.sequence() > last + 1) {
			return DispatchOutcome.GAP;
		}
		Instant now = this.clock.instant();
		EventHandler handler = this.handlers.handler(metadata.aggregateType(), projection, metadata.eventType());
		if (handler != null) {
			Object event = this.payloads.read(handler, payload);
			CorrelationContext.callWith(metadata, () -> {
				try {
					handler.invoke(event, metadata);
				}
				catch (Exception ex) {
					throw new HandlerFailedException(ex);
				}
				return null;
			});
			this.inbox.record(this.service, projection, metadata, AckStatus.OK, null, now);
		}
		this.inbox.advance(this.service, projection, metadata, now);
		return (handler != null) ? DispatchOutcome.OK : DispatchOutcome.IGNORED;
	}

	private void recordFailure(String projection, EventMetadata metadata, Throwable cause) {
		try {
			this.transactions.executeWithoutResult((status) -> this.inbox.record(this.service, projection, metadata,
					AckStatus.FAIL, cause.getClass().getName() + ": " + cause.getMessage(), this.clock.instant()));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record the failure of " + describe(metadata) + " for '" + projection + "'", ex);
		}
	}

	private static String describe(EventMetadata metadata) {
		return metadata.aggregateType() + "-" + metadata.aggregateId() + " #" + metadata.sequence() + " "
				+ metadata.eventType() + " (" + metadata.eventId() + ")";
	}

	/**
	 * Carries a handler's checked exception out of the transaction callback.
	 */
	static final class HandlerFailedException extends RuntimeException {

		HandlerFailedException(Exception cause) {
			super(cause.getMessage(), cause);
		}

	}

}
