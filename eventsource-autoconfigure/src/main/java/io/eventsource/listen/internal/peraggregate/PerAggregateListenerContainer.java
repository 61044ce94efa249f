package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import io.eventsource.listen.ListenerContainer;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.listen.internal.lane.ListenerWorkers;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.topology.TopologyType;
import io.eventsource.topology.internal.AggregateTopologies;
import io.eventsource.topology.internal.RawChannels;
import io.micrometer.core.instrument.Gauge;
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
 * whose {@code x-single-active-consumer} keeps one instance per aggregate at a time
 * ({@link AggregateAdmission}). A consumer idle for the idle timeout is cancelled. At
 * most {@code maxAggregates} consumers run at once; further ids stay unacknowledged until
 * a consumer ends, so none is dropped, and their queues are kept from expiring
 * ({@link WaitingLeases}).
 * <p>
 * Starts after the application context is ready, heartbeating the service's aggregate
 * types to the registry first so relays declare its queues; on stop, the events in
 * progress finish and are acknowledged, the rest go back to their queues, and each
 * aggregate that was being consumed is announced again to this service so another
 * instance picks it up.
 */
public class PerAggregateListenerContainer implements ListenerContainer {

	private final ConnectionFactory connectionFactory;

	private final EventHandlers handlers;

	private final AggregateTopologies topologies;

	private final EventDispatcher dispatcher;

	private final Heartbeats heartbeats;

	private final ListenerMetrics metrics;

	private final PerAggregateSettings settings;

	private final Object monitor = new Object();

	/**
	 * The running consumers, by queue; guarded by the monitor, shared with the admission.
	 */
	private final Map<String, AggregateQueueConsumer> consumers = new LinkedHashMap<>();

	private final AggregateAdmission admission;

	private @Nullable ListenerWorkers workers;

	private @Nullable AggregateChannels channels;

	private final Reannouncements reannouncements;

	private final WaitingLeases leases;

	private volatile boolean running;

	private volatile Set<String> aggregateTypes = Set.of();

	public PerAggregateListenerContainer(ConnectionFactory connectionFactory, EventHandlers handlers,
			AggregateTopologies topologies, EventDispatcher dispatcher, ServiceRegistry registry,
			ListenerMetrics metrics, PerAggregateSettings settings) {
		this.connectionFactory = connectionFactory;
		this.handlers = handlers;
		this.topologies = topologies;
		this.dispatcher = dispatcher;
		this.heartbeats = new Heartbeats(registry, settings.listener().service(), settings.heartbeatInterval());
		this.metrics = metrics;
		this.settings = settings;
		this.admission = new AggregateAdmission(this.monitor, this.consumers, connectionFactory, settings,
				metrics.registry(), () -> this.running);
		this.reannouncements = new Reannouncements(settings.listener().service(), this::declaringChannel);
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
		ListenerWorkers workers = ListenerWorkers.start(this.dispatcher, this.metrics,
				this.settings.listener().maxBatch(), this.settings.listener().concurrency(), "eventsource-listener");
		this.workers = workers;
		AggregateChannels channels = new AggregateChannels(this.connectionFactory, workers.timer(),
				this.settings.listener().prefetch(), this.settings.listener().service());
		this.channels = channels;
		this.admission.start(workers, channels);
		Gauge.builder("eventsource.aggregate.consumers", this, PerAggregateListenerContainer::activeConsumers)
			.description("Per-aggregate queues this instance consumes")
			.tag("service", this.settings.listener().service())
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
			idsChannel = this.admission.detach();
			stopping = new ArrayList<>(this.consumers.values());
			this.consumers.clear();
		}
		RawChannels.close(idsChannel);
		stopping.forEach(AggregateQueueConsumer::cancel);
		for (AggregateQueueConsumer consumer : stopping) {
			consumer.awaitEnd(this.settings.listener().shutdownTimeout());
			this.reannouncements.now(consumer.aggregateType(), consumer.aggregateId());
		}
		if (this.channels != null) {
			this.channels.close();
		}
		this.heartbeats.stop();
		if (this.workers != null) {
			this.workers.stop(this.settings.listener().shutdownTimeout());
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
		return this.running && this.admission.isConsuming();
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
		this.admission.keepConsuming(this.aggregateTypes);
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
			consumer.awaitEnd(this.settings.listener().shutdownTimeout());
			if (consumer.gaveBack() || hasMessages(consumer.queue())) {
				this.reannouncements.later(consumer.aggregateType(), consumer.aggregateId());
			}
		}
		this.reannouncements.round();
		this.admission.startWaiting();
		this.leases.renewIfDue(this.admission::waitingQueues);
	}

	private AggregateChannels channels() throws IOException {
		AggregateChannels channels = this.channels;
		if (channels == null) {
			throw new IOException(
					"The listener container of " + this.settings.listener().service() + " has not started");
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

}
