package io.eventsource.replay.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.store.internal.PublicMessageRepository;
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
 * <p>
 * This class owns the channels and the consuming; a {@link ReplayAnswerer} reads and
 * answers each request.
 */
public class ReplayResponder implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReplayResponder.class);

	private final ConnectionFactory connectionFactory;

	private final String queue;

	private final Duration confirmTimeout;

	private final ReplayAnswerer answerer;

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
	public ReplayResponder(ConnectionFactory connectionFactory, PublicMessageRepository outbox, String service,
			int maxEvents, Duration confirmTimeout) {
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
	public ReplayResponder(ConnectionFactory connectionFactory, PublicMessageRepository outbox, String service,
			int maxEvents, Duration confirmTimeout, Duration horizon, Clock clock) {
		this.connectionFactory = connectionFactory;
		this.queue = ReplayNames.requestQueue(service);
		this.confirmTimeout = confirmTimeout;
		this.answerer = new ReplayAnswerer(outbox, service, maxEvents, horizon, clock, this::send);
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
					ReplayResponder.this.answerer.answer(getChannel(), envelope.getDeliveryTag(), properties);
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

	/**
	 * Sends events into the requester's queue, and an end message when given one into its
	 * queue, and waits for the broker's confirms; the {@link ReplayAnswerer.Sender} of
	 * the answerer. One answer at a time, under the lock that guards the channels.
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

}
