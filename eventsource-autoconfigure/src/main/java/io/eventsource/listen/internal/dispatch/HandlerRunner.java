package io.eventsource.listen.internal.dispatch;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.EventPayloadException;
import io.eventsource.listen.GapListener;
import io.eventsource.listen.internal.handler.EventHandler;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.listen.internal.handler.EventPayloads;
import io.eventsource.publish.internal.CorrelationContext;
import io.eventsource.store.internal.ProjectionPosition;

/**
 * Runs a projection's handler for an event when the event is the next one after the
 * projection's position, with the event as the {@link CorrelationContext}; says what else
 * to do with it otherwise. The caller holds the position's lock and records the outcome.
 */
final class HandlerRunner {

	private final EventHandlers handlers;

	private final EventPayloads payloads;

	private final long maxPayloadBytes;

	private final GapListener gaps;

	private final String service;

	private final HistoryStart history;

	HandlerRunner(EventHandlers handlers, EventPayloads payloads, long maxPayloadBytes, String service,
			GapListener gaps, HistoryStart history) {
		this.gaps = gaps;
		this.service = service;
		this.history = history;
		this.handlers = handlers;
		this.payloads = payloads;
		this.maxPayloadBytes = maxPayloadBytes;
	}

	/**
	 * Applies an event to a projection if it is the next one.
	 * @param position the projection's position for the event's aggregate
	 * @param projection the projection
	 * @param metadata the event
	 * @param payload its JSON payload
	 * @return {@link DispatchOutcome#DUPLICATE} at or below the position,
	 * {@link DispatchOutcome#PARKED} when the aggregate's events are parked (the caller
	 * parks this one behind them), {@link DispatchOutcome#GAP} past the next,
	 * {@link DispatchOutcome#IGNORED} without a handler, before the history this service
	 * applies, or when the event is a command to another service,
	 * {@link DispatchOutcome#OK} once the handler ran
	 * @throws HandlerFailedException if the handler threw a checked exception
	 * @throws EventPayloadException if the payload does not bind to the handler's class
	 * or is over the size limit
	 */
	DispatchOutcome runIfNext(ProjectionPosition position, String projection, EventMetadata metadata, byte[] payload) {
		if (metadata.sequence() <= position.lastSequence()) {
			return DispatchOutcome.DUPLICATE;
		}
		if (position.parked()) {
			return DispatchOutcome.PARKED;
		}
		if (metadata.sequence() > position.lastSequence() + 1) {
			this.gaps.gapBefore(metadata, position.lastSequence());
			return DispatchOutcome.GAP;
		}
		this.gaps.applying(metadata);
		EventHandler handler = this.handlers.handler(metadata.aggregateType(), projection, metadata.eventType());
		String target = metadata.targetService();
		if (handler == null || (target != null && !target.equals(this.service)) || this.history.isBefore(metadata)) {
			return DispatchOutcome.IGNORED;
		}
		if (payload.length > this.maxPayloadBytes) {
			throw new EventPayloadException(handler.eventType(), handler.eventClass(), "its payload of "
					+ payload.length + " bytes is over the limit of " + this.maxPayloadBytes + " bytes", null);
		}
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
		return DispatchOutcome.OK;
	}

	/**
	 * Returns what a handler threw, unwrapped.
	 * @param ex the exception out of {@link #runIfNext}
	 * @return the handler's own exception
	 */
	static Throwable cause(RuntimeException ex) {
		return (ex instanceof HandlerFailedException) ? ex.getCause() : ex;
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
