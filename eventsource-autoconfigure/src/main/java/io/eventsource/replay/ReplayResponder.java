package io.eventsource.replay;

import java.io.IOException;
import java.time.Duration;
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
import io.eventsource.store.OutboxRepository;
import io.eventsource.store.StoredEvent;
import io.eventsource.topology.ConfirmingChannel;
import io.eventsource.topology.EventMessages;
import io.eventsource.topology.PartitionedNames;
import io.eventsource.topology.RawChannels;
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
 * The broker deletes the request queue a minute after its last consumer: a request made
 * while no instance runs is then lost, and asked again by the listener, whose gap
 * persists.
 */
public class ReplayResponder implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReplayResponder.class);

	private final ConnectionFactory connectionFactory;

	private final OutboxRepository outbox;

	private final String queue;

	private final int maxEvents;

	private final Duration confirmTimeout;

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
		ReplayRequest request = request(properties);
		String replyTo = properties.getReplyTo();
		try {
			if (request != null && replyTo != null) {
				List<StoredEvent> events = this.outbox.findByAggregate(request.aggregateType(), request.aggregateId(),
						request.fromSequence(), (request.toSequence() > 0) ? request.toSequence() : Long.MAX_VALUE,
						this.maxEvents);
				if (!events.isEmpty() && !send(events, replyTo)) {
					channel.basicNack(deliveryTag, false, true);
					return;
				}
				if (!events.isEmpty()) {
					logger.info("Replayed " + events.size() + " events of " + request.aggregateType() + "-"
							+ request.aggregateId() + " to " + replyTo);
				}
			}
			else {
				logger.warn("Ignored a replay request without its headers or reply-to");
			}
			channel.basicAck(deliveryTag, false);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not answer the replay request " + request + "; the requester asks again: " + ex);
			try {
				channel.basicNack(deliveryTag, false, false);
			}
			catch (IOException | RuntimeException nackFailed) {
				// the channel is gone: the request goes back to the queue
			}
		}
	}

	/**
	 * Sends events into the requester's queue and waits for the broker's confirms.
	 */
	private synchronized boolean send(List<StoredEvent> events, String replyTo) throws IOException {
		ConfirmingChannel answers = this.answers;
		if (answers == null || !answers.isOpen()) {
			answers = ConfirmingChannel.open(this.connectionFactory);
			this.answers = answers;
		}
		Map<Long, EventMetadata> published = new LinkedHashMap<>();
		Set<String> messageIds = new HashSet<>();
		for (StoredEvent event : events) {
			EventMetadata metadata = event.envelope().metadata();
			published.put(answers.publish("", replyTo, false, EventMessages.properties(metadata),
					EventMessages.body(event.envelope())), metadata);
			messageIds.add(metadata.eventId().toString());
		}
		ConfirmingChannel.Confirms confirms = answers.awaitConfirms(answers.lastPublished(), messageIds,
				this.confirmTimeout);
		return published.keySet().stream().allMatch(confirms::acked);
	}

	private static @Nullable ReplayRequest request(AMQP.BasicProperties properties) {
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
		return new ReplayRequest(type.toString(), id.toString(), fromNumber.longValue(),
				(to instanceof Number toNumber) ? toNumber.longValue() : 0);
	}

}
