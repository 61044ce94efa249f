package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.listen.internal.lane.LaneRetries;
import io.eventsource.listen.internal.lane.ListenerWorkers;
import io.eventsource.topology.PerAggregateNames;
import io.eventsource.topology.internal.RawChannels;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Admits aggregates to this instance: consumes this service's queues
 * {@code {Type}AggregateIds-{service}} ({@link AggregateIdsQueues}) on one channel, reads
 * the id each announcement carries ({@link AnnouncedIds}), and starts an
 * {@link AggregateQueueConsumer} on {@code {Type}-{id}-{service}} unless one runs,
 * declared with the relay's arguments.
 * <p>
 * At most {@code maxAggregates} consumers run at once: further ids wait, in order and
 * unacknowledged, until a consumer ends, so none is dropped. An id is acknowledged once
 * its aggregate has a consumer here; one that can never name a queue is acknowledged and
 * dropped; one whose consumer cannot start goes back to its queue after the retry delay.
 * <p>
 * The running consumers belong to the listener container, which also ends idle ones and
 * stops them all: they, the waiting ids and the ids channel are guarded by the
 * container's monitor, which the container passes here, so that it can take them all in
 * one step. Nothing is admitted once the container stopped running.
 */
final class AggregateAdmission {

	private static final Log logger = LogFactory.getLog(AggregateAdmission.class);

	private final Object monitor;

	private final Map<String, AggregateQueueConsumer> consumers;

	private final ConnectionFactory connectionFactory;

	private final PerAggregateSettings settings;

	private final LaneRetries retries;

	private final AggregateIdsQueues idsQueues;

	private final AnnouncedIds announcedIds;

	private final BooleanSupplier running;

	private final Deque<PendingId> pending = new ArrayDeque<>();

	private @Nullable Channel idsChannel;

	private @Nullable ListenerWorkers workers;

	private @Nullable AggregateChannels channels;

	/**
	 * Creates the admission of a listener container, not consuming yet.
	 * @param monitor the container's monitor, guarding the consumers
	 * @param consumers the container's running consumers, by queue
	 * @param connectionFactory the connection factory
	 * @param settings the container's settings
	 * @param meters where the dropped announcements are counted
	 * @param running whether the container runs
	 */
	AggregateAdmission(Object monitor, Map<String, AggregateQueueConsumer> consumers,
			ConnectionFactory connectionFactory, PerAggregateSettings settings, MeterRegistry meters,
			BooleanSupplier running) {
		this.monitor = monitor;
		this.consumers = consumers;
		this.connectionFactory = connectionFactory;
		this.settings = settings;
		this.retries = new LaneRetries(settings.listener().retryDelay(), settings.listener().retryBackoff());
		this.idsQueues = new AggregateIdsQueues(connectionFactory, settings.listener().service(),
				settings.idsQueueExpiry(), settings.idsQueueMaxLength());
		this.announcedIds = new AnnouncedIds(meters, settings.listener().service());
		this.running = running;
	}

	/**
	 * Sets what the consumers run on, before the container first calls
	 * {@link #keepConsuming(Set)}.
	 * @param workers the container's workers and timer
	 * @param channels the channels the consumers share
	 */
	void start(ListenerWorkers workers, AggregateChannels channels) {
		this.workers = workers;
		this.channels = channels;
	}

	/**
	 * Consumes the aggregate ids queues unless their channel is open; when it cannot (the
	 * broker is away), drops the ids channel and tries again on the next call. Called by
	 * the container's maintenance only, never twice at once.
	 * @param aggregateTypes the aggregate types whose ids queues to consume
	 */
	void keepConsuming(Set<String> aggregateTypes) {
		try {
			ensureIdsConsumers(aggregateTypes);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot consume the aggregate ids queues yet", ex);
			RawChannels.close(this.idsChannel);
			this.idsChannel = null;
		}
	}

	/**
	 * Returns whether the aggregate ids queues are consumed.
	 * @return {@code true} when their channel is open
	 */
	boolean isConsuming() {
		Channel channel = this.idsChannel;
		return channel != null && channel.isOpen();
	}

	/**
	 * Starts consumers for the waiting ids, in order, while fewer than
	 * {@code maxAggregates} run and the container runs.
	 */
	void startWaiting() {
		while (this.running.getAsBoolean()) {
			PendingId next;
			synchronized (this.monitor) {
				if (this.pending.isEmpty() || this.consumers.size() >= this.settings.maxAggregates()) {
					return;
				}
				next = this.pending.pollFirst();
				String queue = PerAggregateNames.aggregateQueue(next.aggregateType(), next.aggregateId(),
						this.settings.listener().service());
				AggregateQueueConsumer running = this.consumers.get(queue);
				if (running != null && running.isOpen()) {
					ack(next.channel(), next.deliveryTag());
					continue;
				}
			}
			try {
				AggregateQueueConsumer consumer = consume(next.aggregateType(), next.aggregateId());
				boolean kept;
				synchronized (this.monitor) {
					kept = this.running.getAsBoolean();
					if (kept) {
						this.consumers.put(consumer.queue(), consumer);
					}
				}
				if (!kept) {
					consumer.cancel();
					consumer.awaitEnd(this.settings.listener().shutdownTimeout());
					return;
				}
				ack(next.channel(), next.deliveryTag());
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Cannot consume " + next.aggregateType() + "-"
						+ UntrustedText.abbreviate(next.aggregateId())
						+ " (is eventsource.per-aggregate.queue-expiry the same in every service?); the id goes back "
						+ "to its queue after " + this.settings.listener().retryDelay() + ": "
						+ UntrustedText.abbreviate(String.valueOf(ex), 512));
				ScheduledExecutorService scheduler = (this.workers != null) ? this.workers.timer() : null;
				if (scheduler != null && !scheduler.isShutdown()) {
					scheduler.schedule(() -> nack(next.channel(), next.deliveryTag()),
							this.settings.listener().retryDelay().toMillis(), TimeUnit.MILLISECONDS);
				}
				else {
					nack(next.channel(), next.deliveryTag());
				}
			}
		}
	}

	/**
	 * Drops the waiting ids and hands over the ids channel, for the container to close
	 * once it took its consumers under the same hold of its monitor.
	 * @return the ids channel, or {@code null}
	 */
	@Nullable Channel detach() {
		synchronized (this.monitor) {
			Channel channel = this.idsChannel;
			this.idsChannel = null;
			this.pending.clear();
			return channel;
		}
	}

	/**
	 * Returns the per-aggregate queues whose ids wait for a free consumer.
	 * @return the queues, each once
	 */
	List<String> waitingQueues() {
		synchronized (this.monitor) {
			return this.pending.stream()
				.map((id) -> PerAggregateNames.aggregateQueue(id.aggregateType(), id.aggregateId(),
						this.settings.listener().service()))
				.distinct()
				.toList();
		}
	}

	private void ensureIdsConsumers(Set<String> aggregateTypes) throws IOException {
		if (this.idsChannel != null && this.idsChannel.isOpen()) {
			return;
		}
		// declared before the consuming channel opens: one that fails leaves no consumer
		Map<String, String> queues = new LinkedHashMap<>();
		for (String aggregateType : aggregateTypes) {
			queues.put(aggregateType, this.idsQueues.declare(aggregateType));
		}
		Channel channel = RawChannels.open(this.connectionFactory);
		try {
			channel.basicQos(this.settings.maxAggregates());
			for (Map.Entry<String, String> queue : queues.entrySet()) {
				channel.basicConsume(queue.getValue(), false, new IdsConsumer(channel, queue.getKey()));
			}
		}
		catch (IOException | RuntimeException ex) {
			// the consumers started on it would take ids that nothing tracks
			RawChannels.close(channel);
			throw ex;
		}
		synchronized (this.monitor) {
			if (!this.running.getAsBoolean()) {
				RawChannels.close(channel);
				return;
			}
			this.idsChannel = channel;
		}
	}

	private void announced(Channel channel, String aggregateType, String aggregateId, long deliveryTag) {
		String queue = PerAggregateNames.aggregateQueue(aggregateType, aggregateId, this.settings.listener().service());
		synchronized (this.monitor) {
			AggregateQueueConsumer running = this.consumers.get(queue);
			if (running != null && running.isOpen()) {
				ack(channel, deliveryTag);
				return;
			}
			this.pending.addLast(new PendingId(channel, aggregateType, aggregateId, deliveryTag));
		}
		startWaiting();
	}

	private AggregateQueueConsumer consume(String aggregateType, String aggregateId) throws IOException {
		ListenerWorkers workers = this.workers;
		AggregateChannels channels = this.channels;
		if (workers == null || channels == null) {
			throw new IOException(
					"The listener container of " + this.settings.listener().service() + " has not started");
		}
		String queue = PerAggregateNames.aggregateQueue(aggregateType, aggregateId, this.settings.listener().service());
		channels.forDeclarations()
			.queueDeclare(queue, true, false, false,
					PerAggregateNames.aggregateQueueArguments(this.settings.queueExpiry()));
		AggregateQueueConsumer consumer = new AggregateQueueConsumer(aggregateType, aggregateId, queue,
				channels.forConsumer(), workers.applier(), workers.timer(), this.retries);
		consumer.start();
		return consumer;
	}

	private static void ack(Channel channel, long deliveryTag) {
		try {
			channel.basicAck(deliveryTag, false);
		}
		catch (IOException | RuntimeException ex) {
			// the broker delivers the id again
		}
	}

	private static void nack(Channel channel, long deliveryTag) {
		try {
			channel.basicNack(deliveryTag, false, true);
		}
		catch (IOException | RuntimeException ex) {
			// the broker delivers the id again
		}
	}

	private record PendingId(Channel channel, String aggregateType, String aggregateId, long deliveryTag) {
	}

	private final class IdsConsumer extends DefaultConsumer {

		private final String aggregateType;

		IdsConsumer(Channel channel, String aggregateType) {
			super(channel);
			this.aggregateType = aggregateType;
		}

		@Override
		public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
				byte[] body) {
			String aggregateId = AggregateAdmission.this.announcedIds.read(this.aggregateType, body);
			if (aggregateId == null) {
				// it can never be consumed: put back, it would come again for ever
				ack(getChannel(), envelope.getDeliveryTag());
				return;
			}
			announced(getChannel(), this.aggregateType, aggregateId, envelope.getDeliveryTag());
		}

		@Override
		public void handleCancel(String consumerTag) {
			// the queue was deleted or the broker cancelled us: consume again on a new
			// channel
			RawChannels.close(getChannel());
		}

	}

}
