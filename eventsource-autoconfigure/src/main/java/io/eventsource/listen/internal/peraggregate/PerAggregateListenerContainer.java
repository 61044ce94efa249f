package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.listen.ListenerContainer;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.listen.internal.lane.LaneRetries;
import io.eventsource.listen.internal.lane.ListenerSettings;
import io.eventsource.listen.internal.lane.ListenerWorkers;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.topology.PerAggregateNames;
import io.eventsource.topology.TopologyType;
import io.eventsource.topology.internal.AggregateTopologies;
import io.eventsource.topology.internal.RawChannels;
import io.micrometer.core.instrument.Gauge;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Listens on the per-aggregate topology for every aggregate type this service has
 * handlers for and that travels through that topology. Per aggregate type it declares the
 * durable fanout exchange {@code {Type}AggregateIds} and this service's durable queue
 * {@code {Type}AggregateIds-{service}} (instances of the service compete on it; it
 * expires when no instance has consumed it for long, see {@link AggregateIdsQueues}) and
 * consumes it; an announcement that can never name a queue is dropped
 * ({@link AnnouncedIds}). On an aggregate id it starts an {@link AggregateQueueConsumer}
 * on {@code {Type}-{id}-{service}} unless one runs, declared with the relay's arguments,
 * whose {@code x-single-active-consumer} keeps one instance per aggregate at a time. A
 * consumer idle for the idle timeout is cancelled. At most {@code maxAggregates}
 * consumers run at once; further ids stay unacknowledged until a consumer ends, so none
 * is dropped.
 * <p>
 * Starts after the application context is ready, heartbeating the service's aggregate
 * types to the registry first so relays declare its queues; on stop, the events in
 * progress finish and are acknowledged, the rest go back to their queues, and each
 * aggregate that was being consumed is announced again to this service so another
 * instance picks it up.
 */
public class PerAggregateListenerContainer implements ListenerContainer {

	private static final Log logger = LogFactory.getLog(PerAggregateListenerContainer.class);

	private final ConnectionFactory connectionFactory;

	private final EventHandlers handlers;

	private final AggregateTopologies topologies;

	private final EventDispatcher dispatcher;

	private final Heartbeats heartbeats;

	private final ListenerMetrics metrics;

	private final ListenerSettings settings;

	private final AggregateIdsQueues idsQueues;

	private final AnnouncedIds announcedIds;

	private final Object monitor = new Object();

	private final Map<String, AggregateQueueConsumer> consumers = new LinkedHashMap<>();

	private final Deque<PendingId> pending = new ArrayDeque<>();

	private @Nullable Channel idsChannel;

	private @Nullable ListenerWorkers workers;

	private @Nullable AggregateChannels channels;

	private final Reannouncements reannouncements;

	private final WaitingLeases leases;

	private volatile boolean running;

	private volatile Set<String> aggregateTypes = Set.of();

	public PerAggregateListenerContainer(ConnectionFactory connectionFactory, EventHandlers handlers,
			AggregateTopologies topologies, EventDispatcher dispatcher, ServiceRegistry registry,
			ListenerMetrics metrics, ListenerSettings settings) {
		this.connectionFactory = connectionFactory;
		this.handlers = handlers;
		this.topologies = topologies;
		this.dispatcher = dispatcher;
		this.heartbeats = new Heartbeats(registry, settings.service(), settings.heartbeatInterval());
		this.metrics = metrics;
		this.settings = settings;
		this.idsQueues = new AggregateIdsQueues(connectionFactory, settings.service(), settings.idsQueueExpiry(),
				settings.idsQueueMaxLength());
		this.announcedIds = new AnnouncedIds(metrics.registry(), settings.service());
		this.reannouncements = new Reannouncements(settings.service(), this::declaringChannel);
		this.leases = new WaitingLeases(connectionFactory, settings.queueExpiry());
	}

	/**
	 * Sets what to do when the heartbeat is written again after it failed: a relay may
	 * have counted this service gone meanwhile and sent its events to nobody, so they are
	 * to be caught up from the producers' logs.
	 * @param heartbeatRecovered the action, for example a catch-up
	 */
	public void setHeartbeatRecovered(Runnable heartbeatRecovered) {
		this.heartbeats.onRecovered(heartbeatRecovered);
	}

	@Override
	public void start() {
		Set<String> aggregateTypes = this.topologies.select(this.handlers.aggregateTypes(), TopologyType.PER_AGGREGATE);
		if (this.running || aggregateTypes.isEmpty()) {
			return;
		}
		this.aggregateTypes = aggregateTypes;
		ListenerWorkers workers = ListenerWorkers.start(this.dispatcher, this.metrics, this.settings.maxBatch(),
				this.settings.concurrency(), "eventsource-listener");
		this.workers = workers;
		this.channels = new AggregateChannels(this.connectionFactory, workers.timer(), this.settings.prefetch(),
				this.settings.service());
		Gauge.builder("eventsource.aggregate.consumers", this, PerAggregateListenerContainer::activeConsumers)
			.description("Per-aggregate queues this instance consumes")
			.tag("service", this.settings.service())
			.register(this.metrics.registry());
		this.heartbeats.start(aggregateTypes, this.metrics.registry());
		this.running = true;
		// consuming when start returns, so the health is up at once; the timer takes over
		// only after this first run: two at once would each open a channel on the ids
		// queues, and the one overwritten would hold up to max-aggregates ids
		// unacknowledged, their aggregates unconsumed until the connection drops
		maintain();
		workers.timer().scheduleWithFixedDelay(this::maintain, 500, 500, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
		Channel idsChannel;
		List<AggregateQueueConsumer> stopping;
		synchronized (this.monitor) {
			idsChannel = this.idsChannel;
			this.idsChannel = null;
			stopping = new ArrayList<>(this.consumers.values());
			this.consumers.clear();
			this.pending.clear();
		}
		RawChannels.close(idsChannel);
		stopping.forEach(AggregateQueueConsumer::cancel);
		for (AggregateQueueConsumer consumer : stopping) {
			consumer.awaitEnd(this.settings.shutdownTimeout());
			this.reannouncements.now(consumer.aggregateType(), consumer.aggregateId());
		}
		if (this.channels != null) {
			this.channels.close();
		}
		this.heartbeats.stop();
		if (this.workers != null) {
			this.workers.stop(this.settings.shutdownTimeout());
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Returns whether the consumers of every aggregate type run.
	 * @return {@code true} when the aggregate ids queues are consumed
	 */
	@Override
	public boolean isConsuming() {
		Channel channel = this.idsChannel;
		return this.running && channel != null && channel.isOpen();
	}

	/**
	 * Returns {@code true}: a per-aggregate listener heartbeats, the relays send to the
	 * services the registry shows live.
	 * @return {@code true}
	 */
	@Override
	public boolean writesHeartbeats() {
		return true;
	}

	/**
	 * Returns when this instance last wrote its heartbeat.
	 * @return the time, or {@code null} before the first
	 */
	@Override
	public @Nullable Instant lastHeartbeat() {
		return this.heartbeats.last();
	}

	/**
	 * Returns the aggregate types this instance listens to.
	 * @return the aggregate types
	 */
	@Override
	public Set<String> aggregateTypes() {
		return this.aggregateTypes;
	}

	/**
	 * Returns how many per-aggregate queues this instance consumes, per aggregate type it
	 * listens to.
	 * @return the count per aggregate type, {@code 0} for a type with none
	 */
	@Override
	public Map<String, Integer> consumersByAggregateType() {
		Map<String, Integer> counts = new TreeMap<>();
		this.aggregateTypes.forEach((type) -> counts.put(type, 0));
		synchronized (this.monitor) {
			for (AggregateQueueConsumer consumer : this.consumers.values()) {
				counts.merge(consumer.aggregateType(), 1, Integer::sum);
			}
		}
		return counts;
	}

	public int activeConsumers() {
		synchronized (this.monitor) {
			return this.consumers.size();
		}
	}

	/**
	 * Keeps the aggregate ids consumers open, ends idle per-aggregate consumers, and
	 * starts waiting ones. Never runs twice at once: first on the starting thread, then
	 * on the timer's one thread.
	 */
	private void maintain() {
		if (!this.running) {
			return;
		}
		try {
			ensureIdsConsumers();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot consume the aggregate ids queues yet", ex);
			RawChannels.close(this.idsChannel);
			this.idsChannel = null;
		}
		List<AggregateQueueConsumer> idle = new ArrayList<>();
		synchronized (this.monitor) {
			this.consumers.values().removeIf((consumer) -> {
				if (!consumer.isOpen() || consumer.isIdle(this.settings.idleTimeout())) {
					idle.add(consumer);
					return true;
				}
				return false;
			});
		}
		idle.forEach(AggregateQueueConsumer::cancel);
		for (AggregateQueueConsumer consumer : idle) {
			consumer.awaitEnd(this.settings.shutdownTimeout());
			if (consumer.gaveBack() || hasMessages(consumer.queue())) {
				this.reannouncements.later(consumer.aggregateType(), consumer.aggregateId());
			}
		}
		this.reannouncements.round();
		startPending();
		this.leases.renewIfDue(this::waitingQueues);
	}

	/**
	 * Returns the per-aggregate queues whose ids wait for a free consumer.
	 */
	private List<String> waitingQueues() {
		synchronized (this.monitor) {
			return this.pending.stream()
				.map((id) -> PerAggregateNames.aggregateQueue(id.aggregateType(), id.aggregateId(),
						this.settings.service()))
				.distinct()
				.toList();
		}
	}

	private void ensureIdsConsumers() throws IOException {
		if (this.idsChannel != null && this.idsChannel.isOpen()) {
			return;
		}
		// declared before the consuming channel opens: one that fails leaves no consumer
		Map<String, String> queues = new LinkedHashMap<>();
		for (String aggregateType : this.aggregateTypes) {
			queues.put(aggregateType, this.idsQueues.declare(aggregateType));
		}
		Channel channel = RawChannels.open(this.connectionFactory);
		channel.basicQos(this.settings.maxAggregates());
		for (Map.Entry<String, String> queue : queues.entrySet()) {
			channel.basicConsume(queue.getValue(), false, new IdsConsumer(channel, queue.getKey()));
		}
		synchronized (this.monitor) {
			if (!this.running) {
				RawChannels.close(channel);
				return;
			}
			this.idsChannel = channel;
		}
	}

	private void announced(Channel channel, String aggregateType, String aggregateId, long deliveryTag) {
		String queue = PerAggregateNames.aggregateQueue(aggregateType, aggregateId, this.settings.service());
		synchronized (this.monitor) {
			AggregateQueueConsumer running = this.consumers.get(queue);
			if (running != null && running.isOpen()) {
				ack(channel, deliveryTag);
				return;
			}
			this.pending.addLast(new PendingId(channel, aggregateType, aggregateId, deliveryTag));
		}
		startPending();
	}

	private void startPending() {
		while (this.running) {
			PendingId next;
			synchronized (this.monitor) {
				if (this.pending.isEmpty() || this.consumers.size() >= this.settings.maxAggregates()) {
					return;
				}
				next = this.pending.pollFirst();
				String queue = PerAggregateNames.aggregateQueue(next.aggregateType(), next.aggregateId(),
						this.settings.service());
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
					kept = this.running;
					if (kept) {
						this.consumers.put(consumer.queue(), consumer);
					}
				}
				if (!kept) {
					consumer.cancel();
					consumer.awaitEnd(this.settings.shutdownTimeout());
					return;
				}
				ack(next.channel(), next.deliveryTag());
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Cannot consume " + next.aggregateType() + "-"
						+ UntrustedText.abbreviate(next.aggregateId())
						+ " (is eventsource.per-aggregate.queue-expiry the same in every service?); the id goes back "
						+ "to its queue after " + this.settings.retryDelay() + ": "
						+ UntrustedText.abbreviate(String.valueOf(ex), 512));
				ScheduledExecutorService scheduler = (this.workers != null) ? this.workers.timer() : null;
				if (scheduler != null && !scheduler.isShutdown()) {
					scheduler.schedule(() -> nack(next.channel(), next.deliveryTag()),
							this.settings.retryDelay().toMillis(), TimeUnit.MILLISECONDS);
				}
				else {
					nack(next.channel(), next.deliveryTag());
				}
			}
		}
	}

	private AggregateQueueConsumer consume(String aggregateType, String aggregateId) throws IOException {
		String queue = PerAggregateNames.aggregateQueue(aggregateType, aggregateId, this.settings.service());
		declaringChannel().queueDeclare(queue, true, false, false,
				PerAggregateNames.aggregateQueueArguments(this.settings.queueExpiry()));
		AggregateQueueConsumer consumer = new AggregateQueueConsumer(aggregateType, aggregateId, queue,
				channels().forConsumer(), this.workers.applier(), this.workers.timer(),
				new LaneRetries(this.settings.retryDelay(), this.settings.retryBackoff()));
		consumer.start();
		return consumer;
	}

	private AggregateChannels channels() throws IOException {
		AggregateChannels channels = this.channels;
		if (channels == null) {
			throw new IOException("The listener container of " + this.settings.service() + " has not started");
		}
		return channels;
	}

	private Channel declaringChannel() throws IOException {
		return channels().forDeclarations();
	}

	private boolean hasMessages(String queue) {
		// on a channel of its own: a passive declaration of a queue gone closes it
		try {
			Channel channel = RawChannels.open(this.connectionFactory);
			try {
				return channel.queueDeclarePassive(queue).getMessageCount() > 0;
			}
			finally {
				RawChannels.close(channel);
			}
		}
		catch (IOException | RuntimeException ex) {
			// cannot tell (the broker may be down): announce again to be sure
			return true;
		}
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
			String aggregateId = PerAggregateListenerContainer.this.announcedIds.read(this.aggregateType, body);
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
