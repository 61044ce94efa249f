package io.eventsource.replay.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.store.internal.OutboxRepository;
import io.eventsource.store.internal.RelayedEvent;
import io.eventsource.store.internal.StoredEvent;
import io.eventsource.topology.PartitionedNames;
import io.eventsource.topology.internal.ConfirmingChannel;
import io.eventsource.topology.internal.EventMessages;
import io.eventsource.topology.internal.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Answers replay requests from this service's {@code public_messages}: consumes the queue
 * {@code eventsource.replay.{service}} bound to {@value ReplayNames#EXCHANGE} (instances
 * compete on it) and sends the events asked for, in sequence order, into the requester's
 * queue, with publisher confirms; a request is acknowledged only once its answer is
 * confirmed. A producer that has none of the events asked for (another producer owns the
 * aggregate) answers nothing.
 * <p>
 * A request that names a {@value ReplayNames#LOG_END_TO} queue is also told where this
 * log of the aggregate ends: its last sequence, read after the request arrived, in a
 * {@value ReplayNames#LOG_END} message with the request's {@code correlation-id}, sent
 * with the events and confirmed with them. A log that holds no event of the aggregate
 * sends none (another producer may own it), so a listener never reads "nothing here" as
 * "nothing anywhere". Every instance of this service reads the same database, so it does
 * not matter which one answers.
 * <p>
 * The broker deletes the request queue a minute after its last consumer: a request made
 * while no instance runs is then lost, and asked again by the listener, whose gap
 * persists.
 */
public class ReplayResponder implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReplayResponder.class);

	/** The most characters of an error a log line keeps. */
	private static final int MAX_LOGGED_ERROR = 300;

	private final ConnectionFactory connectionFactory;

	private final OutboxRepository outbox;

	private final String queue;

	private final int maxEvents;

	private final Duration confirmTimeout;

	private final String service;

	private final Duration horizon;

	private final Clock clock;

	private @Nullable Channel requests;

	private @Nullable ConfirmingChannel answers;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	/**
	 * Creates the responder.
	 * @param connectionFactory the broker's connection factory
	 * @param outbox this service's log
	 * @param service this service
	 * @param maxEvents the most events sent for one request
	 * @param confirmTimeout the longest wait for the broker's confirms of an answer
	 */
	public ReplayResponder(ConnectionFactory connectionFactory, OutboxRepository outbox, String service, int maxEvents,
			Duration confirmTimeout) {
		this(connectionFactory, outbox, service, maxEvents, confirmTimeout, Duration.ofSeconds(30), Clock.systemUTC());
	}

	/**
	 * Creates the responder.
	 * @param connectionFactory the broker's connection factory
	 * @param outbox this service's log
	 * @param service this service
	 * @param maxEvents the most events sent for one request
	 * @param confirmTimeout the longest wait for the broker's confirms of an answer
	 * @param horizon how far behind now a catch-up answer stops: longer than the relay
	 * takes from reading a row to committing its mark
	 * @param clock the clock of the horizon
	 */
	public ReplayResponder(ConnectionFactory connectionFactory, OutboxRepository outbox, String service, int maxEvents,
			Duration confirmTimeout, Duration horizon, Clock clock) {
		this.service = service;
		this.horizon = horizon;
		this.clock = clock;
		this.connectionFactory = connectionFactory;
		this.outbox = outbox;
		this.queue = ReplayNames.requestQueue(service);
		this.maxEvents = maxEvents;
		this.confirmTimeout = confirmTimeout;
	}

	@Override
	public void start() {
		this.running = true;
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "eventsource-replay-responder");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler = scheduler;
		scheduler.scheduleWithFixedDelay(this::ensureConsuming, 0, 1, TimeUnit.SECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
		synchronized (this) {
			RawChannels.close(this.requests);
			this.requests = null;
			if (this.answers != null) {
				this.answers.close();
				this.answers = null;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Returns whether the request queue is consumed.
	 * @return {@code true} when requests are answered
	 */
	public boolean isConsuming() {
		Channel requests = this.requests;
		return this.running && requests != null && requests.isOpen();
	}

	private synchronized void ensureConsuming() {
		if (!this.running || isConsuming()) {
			return;
		}
		RawChannels.close(this.requests);
		try {
			Channel channel = RawChannels.open(this.connectionFactory);
			this.requests = channel;
			channel.exchangeDeclare(ReplayNames.EXCHANGE, "fanout", true, false, null);
			channel.queueDeclare(this.queue, true, false, false, PartitionedNames.expiringQueueArguments());
			channel.queueBind(this.queue, ReplayNames.EXCHANGE, "");
			channel.basicQos(1);
			channel.basicConsume(this.queue, false, new DefaultConsumer(channel) {

				@Override
				public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
						byte[] body) {
					answer(getChannel(), envelope.getDeliveryTag(), properties);
				}

				@Override
				public void handleCancel(String consumerTag) {
					// the queue was deleted: consume it again at the next check
					RawChannels.close(getChannel());
				}

			});
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot consume the replay requests yet", ex);
			RawChannels.close(this.requests);
			this.requests = null;
		}
	}

	private void answer(Channel channel, long deliveryTag, AMQP.BasicProperties properties) {
		Map<String, Object> headers = properties.getHeaders();
		if (headers != null && ReplayNames.CATCH_UP.equals(String.valueOf(headers.get(ReplayNames.KIND)))) {
			answerCatchUp(channel, deliveryTag, headers, properties.getReplyTo());
			return;
		}
		ReplayRequest request;
		try {
			request = request(properties);
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
				String logEndTo = logEndTo(properties);
				// read after the request arrived: an event its requester had received
				// before sending it is at or below this
				long lastSequence = (logEndTo != null)
						? this.outbox.lastSequence(request.aggregateType(), request.aggregateId()) : 0;
				List<StoredEvent> events = this.outbox.findByAggregate(request.aggregateType(), request.aggregateId(),
						request.fromSequence(), (request.toSequence() > 0) ? request.toSequence() : Long.MAX_VALUE,
						this.maxEvents);
				AMQP.BasicProperties logEnd = (lastSequence > 0)
						? logEnd(request, lastSequence, properties.getCorrelationId()) : null;
				if ((!events.isEmpty() || logEnd != null) && !send(events, replyTo, logEnd, logEndTo)) {
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
			if (!send(rows.stream().map(RelayedEvent::event).toList(), replyTo,
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
	 * Returns the queue a request wants the end of the log in, when it wants it and says
	 * which request it is; a name no queue can have counts as none.
	 */
	private static @Nullable String logEndTo(AMQP.BasicProperties properties) {
		Map<String, Object> headers = properties.getHeaders();
		Object queue = (headers != null) ? headers.get(ReplayNames.LOG_END_TO) : null;
		if (queue == null || properties.getCorrelationId() == null) {
			return null;
		}
		String name = queue.toString();
		return (!name.isEmpty() && name.getBytes(StandardCharsets.UTF_8).length <= 255) ? name : null;
	}

	/**
	 * Sends events into the requester's queue, and an end message when given one into its
	 * queue, and waits for the broker's confirms.
	 */
	private synchronized boolean send(List<StoredEvent> events, String replyTo, AMQP.@Nullable BasicProperties end,
			@Nullable String endTo) throws IOException {
		ConfirmingChannel answers = this.answers;
		if (answers == null || !answers.isOpen()) {
			answers = ConfirmingChannel.open(this.connectionFactory);
			this.answers = answers;
		}
		List<Long> published = new ArrayList<>();
		Set<String> messageIds = new HashSet<>();
		for (StoredEvent event : events) {
			EventMetadata metadata = event.envelope().metadata();
			published.add(answers.publish("", replyTo, false, EventMessages.properties(metadata),
					EventMessages.body(event.envelope())));
			messageIds.add(metadata.eventId().toString());
		}
		if (end != null && endTo != null) {
			published.add(answers.publish("", endTo, false, end, new byte[0]));
		}
		ConfirmingChannel.Confirms confirms = answers.awaitConfirms(answers.lastPublished(), messageIds,
				this.confirmTimeout);
		return published.stream().allMatch(confirms::acked);
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
	 * Reads a request for the events of one aggregate from the headers of a message.
	 * @param properties the message's properties
	 * @return the request, or {@code null} when its headers are missing
	 * @throws IllegalArgumentException if they name no aggregate a producer could hold
	 * (the rules of {@link AggregateNames}), or no sequence; its message quotes them
	 * abbreviated
	 */
	static @Nullable ReplayRequest request(AMQP.BasicProperties properties) {
		Map<String, Object> headers = properties.getHeaders();
		if (headers == null) {
			return null;
		}
		Object type = headers.get(ReplayNames.AGGREGATE_TYPE);
		Object id = headers.get(ReplayNames.AGGREGATE_ID);
		Object from = headers.get(ReplayNames.FROM_SEQUENCE);
		Object to = headers.get(ReplayNames.TO_SEQUENCE);
		if (type == null || id == null || !(from instanceof Number fromNumber)) {
			return null;
		}
		// a valid id never fails the query (a NUL does on PostgreSQL) and logs bounded
		AggregateNames.requireAggregateType(type.toString());
		AggregateNames.requireAggregateId(id.toString());
		long toSequence = (to instanceof Number toNumber) ? toNumber.longValue() : 0;
		if (fromNumber.longValue() < 1 || toSequence < 0) {
			throw new IllegalArgumentException(
					"the sequences " + fromNumber.longValue() + ".." + toSequence + " are not those of a log");
		}
		return new ReplayRequest(type.toString(), id.toString(), fromNumber.longValue(), toSequence);
	}

}
