package io.eventsource.replay.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.store.internal.RelayedEvent;
import io.eventsource.store.internal.StoredEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Answers one request taken from the request queue of a {@link ReplayResponder}: reads
 * the page of this service's log it asks for (the events of one aggregate, or of an
 * aggregate type after a catch-up cursor), hands it to a {@link Sender} with the
 * request's end message, and settles the delivery: acknowledged once the answer is
 * confirmed (or when it is never to be answered), requeued when the broker did not
 * confirm it, dropped when it failed (the requester asks again). Holds no state of its
 * own between requests.
 */
class ReplayAnswerer {

	// the responder's category: its operators configure that one
	private static final Log logger = LogFactory.getLog(ReplayResponder.class);

	/** The most characters of an error a log line keeps. */
	private static final int MAX_LOGGED_ERROR = 300;

	private final PublicMessageRepository outbox;

	private final String service;

	private final int maxEvents;

	private final Duration horizon;

	private final Clock clock;

	private final Sender sender;

	/**
	 * Creates the answerer.
	 * @param outbox this service's log
	 * @param service this service
	 * @param maxEvents the most events sent for one request
	 * @param horizon how far behind now a catch-up answer stops
	 * @param clock the clock of the horizon
	 * @param sender sends an answer and waits for the broker's confirms
	 */
	ReplayAnswerer(PublicMessageRepository outbox, String service, int maxEvents, Duration horizon, Clock clock,
			Sender sender) {
		this.outbox = outbox;
		this.service = service;
		this.maxEvents = maxEvents;
		this.horizon = horizon;
		this.clock = clock;
		this.sender = sender;
	}

	/**
	 * Answers a request and acknowledges, requeues or drops its delivery.
	 * @param channel the channel the request was delivered on
	 * @param deliveryTag the request's delivery tag
	 * @param properties the request's properties
	 */
	void answer(Channel channel, long deliveryTag, AMQP.BasicProperties properties) {
		Map<String, Object> headers = properties.getHeaders();
		if (headers != null && ReplayNames.CATCH_UP.equals(String.valueOf(headers.get(ReplayNames.KIND)))) {
			answerCatchUp(channel, deliveryTag, headers, properties.getReplyTo());
			return;
		}
		ReplayRequest request;
		try {
			request = ReplayRequestHeaders.request(properties);
		}
		catch (IllegalArgumentException ex) {
			// anyone who can publish to the exchange can send it: it is never answered
			logger.warn("Dropped a replay request that names no aggregate: " + ex.getMessage());
			acknowledge(channel, deliveryTag);
			return;
		}
		String replyTo = properties.getReplyTo();
		try {
			if (request != null && replyTo != null) {
				String logEndTo = ReplayRequestHeaders.logEndTo(properties);
				// read after the request arrived: an event its requester had received
				// before sending it is at or below this
				long lastSequence = (logEndTo != null)
						? this.outbox.lastSequence(request.aggregateType(), request.aggregateId()) : 0;
				List<StoredEvent> events = this.outbox.findByAggregate(request.aggregateType(), request.aggregateId(),
						request.fromSequence(), (request.toSequence() > 0) ? request.toSequence() : Long.MAX_VALUE,
						this.maxEvents);
				AMQP.BasicProperties logEnd = (lastSequence > 0)
						? logEnd(request, lastSequence, properties.getCorrelationId()) : null;
				if ((!events.isEmpty() || logEnd != null) && !this.sender.send(events, replyTo, logEnd, logEndTo)) {
					channel.basicNack(deliveryTag, false, true);
					return;
				}
				if (!events.isEmpty()) {
					logger.info("Replayed " + events.size() + " events of " + request + " to "
							+ UntrustedText.abbreviate(replyTo));
				}
			}
			else {
				logger.warn("Ignored a replay request without its headers or reply-to");
			}
			channel.basicAck(deliveryTag, false);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not answer the replay request " + request + "; the requester asks again: "
					+ UntrustedText.abbreviate(String.valueOf(ex), MAX_LOGGED_ERROR));
			reject(channel, deliveryTag);
		}
	}

	/**
	 * Answers a catch-up request: the aggregate type's events after the requester's
	 * cursor in this log, up to the horizon, then an end message with the new cursor.
	 */
	private void answerCatchUp(Channel channel, long deliveryTag, Map<String, Object> headers,
			@Nullable String replyTo) {
		Object only = headers.get(ReplayNames.PRODUCER);
		Object type = headers.get(ReplayNames.AGGREGATE_TYPE);
		try {
			if (replyTo == null || type == null || (only != null && !this.service.equals(only.toString()))) {
				channel.basicAck(deliveryTag, false);
				return;
			}
			try {
				AggregateNames.requireAggregateType(type.toString());
			}
			catch (IllegalArgumentException ex) {
				logger.warn("Dropped a catch-up request that names no aggregate type: " + ex.getMessage());
				channel.basicAck(deliveryTag, false);
				return;
			}
			Instant horizon = this.clock.instant().minus(this.horizon);
			Object cursors = headers.get(ReplayNames.CURSORS);
			Object mine = (cursors instanceof Map<?, ?> map) ? map.get(this.service) : null;
			CatchUpCursor cursor = (mine != null) ? CatchUpCursor.parse(mine.toString())
					: "now".equals(String.valueOf(headers.get(ReplayNames.START)))
							? new CatchUpCursor(horizon, Long.MAX_VALUE) : CatchUpCursor.BEGINNING;
			List<RelayedEvent> rows = this.outbox.findRelayedAfter(type.toString(), cursor.relayedAt(), cursor.id(),
					horizon, this.maxEvents);
			CatchUpCursor next = rows.isEmpty() ? cursor
					: new CatchUpCursor(rows.get(rows.size() - 1).relayedAt(), rows.get(rows.size() - 1).event().id());
			Map<String, Object> end = new LinkedHashMap<>();
			end.put(ReplayNames.KIND, ReplayNames.END);
			end.put(ReplayNames.AGGREGATE_TYPE, type.toString());
			end.put(ReplayNames.PRODUCER, this.service);
			end.put(ReplayNames.CURSOR, next.toString());
			end.put(ReplayNames.MORE, rows.size() == this.maxEvents);
			if (!this.sender.send(rows.stream().map(RelayedEvent::event).toList(), replyTo,
					new AMQP.BasicProperties.Builder().deliveryMode(2).headers(end).build(), replyTo)) {
				channel.basicNack(deliveryTag, false, true);
				return;
			}
			channel.basicAck(deliveryTag, false);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not answer a catch-up request for " + UntrustedText.abbreviate(String.valueOf(type))
					+ "; the requester asks again: " + UntrustedText.abbreviate(String.valueOf(ex), MAX_LOGGED_ERROR));
			reject(channel, deliveryTag);
		}
	}

	/**
	 * Returns the message that tells a requester where this log of an aggregate ends.
	 */
	private AMQP.BasicProperties logEnd(ReplayRequest request, long lastSequence, String requestId) {
		Map<String, Object> headers = new LinkedHashMap<>();
		headers.put(ReplayNames.KIND, ReplayNames.LOG_END);
		headers.put(ReplayNames.AGGREGATE_TYPE, request.aggregateType());
		headers.put(ReplayNames.AGGREGATE_ID, request.aggregateId());
		headers.put(ReplayNames.PRODUCER, this.service);
		headers.put(ReplayNames.LAST_SEQUENCE, lastSequence);
		return new AMQP.BasicProperties.Builder().correlationId(requestId).headers(headers).build();
	}

	/**
	 * Acknowledges a request that is never to be answered.
	 */
	private static void acknowledge(Channel channel, long deliveryTag) {
		try {
			channel.basicAck(deliveryTag, false);
		}
		catch (IOException | RuntimeException ex) {
			// the channel is gone: the request comes back, and is dropped again
		}
	}

	/**
	 * Drops a request that could not be answered: the requester asks again.
	 */
	private static void reject(Channel channel, long deliveryTag) {
		try {
			channel.basicNack(deliveryTag, false, false);
		}
		catch (IOException | RuntimeException ex) {
			// the channel is gone: the request goes back to the queue
		}
	}

	/**
	 * Sends an answer into the requester's queues and waits for the broker's confirms.
	 */
	@FunctionalInterface
	interface Sender {

		/**
		 * Sends events into the requester's queue, and an end message when given one into
		 * its queue, and waits for the broker's confirms.
		 * @param events the events, in the order sent
		 * @param replyTo the queue of the events
		 * @param end the end message, or {@code null} for none
		 * @param endTo the queue of the end message, or {@code null} for none
		 * @return whether the broker confirmed every message
		 * @throws IOException if the answer cannot be sent
		 */
		boolean send(List<StoredEvent> events, String replyTo, AMQP.@Nullable BasicProperties end,
				@Nullable String endTo) throws IOException;

	}

}
