package io.eventsource.listen.internal.partitioned;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
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
import io.eventsource.listen.internal.lane.ListenerSettings;
import io.eventsource.listen.internal.lane.ListenerWorkers;
import io.eventsource.listen.internal.lane.PartitionConsumer;
import io.eventsource.topology.TopologyType;
import io.eventsource.topology.internal.AggregateTopologies;
import io.eventsource.topology.internal.RawChannels;
import io.micrometer.core.instrument.Gauge;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Listens on the partitioned topology for every aggregate type this service has handlers
 * for and that is configured for it. Per aggregate type it lays out this service's
 * partition queues {@code {Type}.{service}.{k}} (see {@link PartitionLayout}) and
 * consumes each with a {@link PartitionConsumer}. Every instance of the service consumes
 * every partition; {@code x-single-active-consumer} lets one instance at a time receive a
 * partition's events, and hands the partition to another when that instance stops or
 * dies. No registry is involved: events wait in the durable queues while the service is
 * down.
 * <p>
 * A consumer whose channel closed (the broker restarted, the connection dropped) is
 * started again, its partition declared and bound again, within the maintenance interval.
 */
public class PartitionedListenerContainer implements ListenerContainer {

	private static final Log logger = LogFactory.getLog(PartitionedListenerContainer.class);

	private static final long MAINTENANCE_MILLIS = 500;

	private final ConnectionFactory connectionFactory;

	private final EventHandlers handlers;

	private final AggregateTopologies topologies;

	private final EventDispatcher dispatcher;

	private final ListenerMetrics metrics;

	private final ListenerSettings settings;

	private final PartitionSettings partitioning;

	private final Object monitor = new Object();

	/** The layout of each aggregate type, once applied. */
	private final Map<String, PartitionLayout> layouts = new LinkedHashMap<>();

	/** The queues to consume: partitions, and surplus queues of an earlier layout. */
	private final Map<String, WantedQueue> wanted = new LinkedHashMap<>();

	private final Map<String, PartitionConsumer> consumers = new LinkedHashMap<>();

	/** Partitions whose buckets the layout just bound: their first consumer need not. */
	private final Set<String> freshlyBound = new HashSet<>();

	private @Nullable ListenerWorkers workers;

	private volatile Set<String> aggregateTypes = Set.of();

	private volatile boolean running;

	private long lastRebalance = System.nanoTime();

	public PartitionedListenerContainer(ConnectionFactory connectionFactory, EventHandlers handlers,
			AggregateTopologies topologies, EventDispatcher dispatcher, ListenerMetrics metrics,
			ListenerSettings settings, PartitionSettings partitioning) {
		this.connectionFactory = connectionFactory;
		this.handlers = handlers;
		this.topologies = topologies;
		this.dispatcher = dispatcher;
		this.metrics = metrics;
		this.settings = settings;
		this.partitioning = partitioning;
	}

	@Override
	public void start() {
		Set<String> types = this.topologies.select(this.handlers.aggregateTypes(), TopologyType.PARTITIONED);
		if (this.running || types.isEmpty()) {
			return;
		}
		this.aggregateTypes = types;
		ListenerWorkers workers = ListenerWorkers.start(this.dispatcher, this.metrics, this.settings.maxBatch(),
				this.settings.concurrency(), "eventsource-partition");
		this.workers = workers;
		Gauge.builder("eventsource.partition.consumers", this, PartitionedListenerContainer::openConsumers)
			.description("Partition queues this instance consumes (active or waiting its turn)")
			.tag("service", this.settings.service())
			.register(this.metrics.registry());
		Gauge.builder("eventsource.partition.aggregates", this, PartitionedListenerContainer::aggregatesInFlight)
			.description("Aggregates with events in progress or held back on this instance's partitions")
			.tag("service", this.settings.service())
			.register(this.metrics.registry());
		this.running = true;
		maintain();
		workers.timer()
			.scheduleWithFixedDelay(this::maintain, MAINTENANCE_MILLIS, MAINTENANCE_MILLIS, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
		List<PartitionConsumer> stopping;
		synchronized (this.monitor) {
			stopping = new ArrayList<>(this.consumers.values());
			this.consumers.clear();
		}
		stopping.forEach(PartitionConsumer::cancel);
		stopping.forEach((consumer) -> consumer.awaitAndClose(this.settings.shutdownTimeout()));
		ListenerWorkers workers = this.workers;
		if (workers != null) {
			workers.stop(this.settings.shutdownTimeout());
			try {
				// a maintenance pass still running may use the layouts
				workers.timer().awaitTermination(this.settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		synchronized (this.monitor) {
			this.layouts.values().forEach(PartitionLayout::close);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isConsuming() {
		if (!this.running) {
			return false;
		}
		synchronized (this.monitor) {
			if (this.layouts.size() < this.aggregateTypes.size()) {
				return false;
			}
			for (Map.Entry<String, WantedQueue> entry : this.wanted.entrySet()) {
				PartitionConsumer consumer = this.consumers.get(entry.getKey());
				if (!entry.getValue().surplus() && (consumer == null || !consumer.isOpen())) {
					return false;
				}
			}
			return true;
		}
	}

	@Override
	public Set<String> aggregateTypes() {
		return this.aggregateTypes;
	}

	@Override
	public Map<String, Integer> consumersByAggregateType() {
		Map<String, Integer> counts = new TreeMap<>();
		this.aggregateTypes.forEach((type) -> counts.put(type, 0));
		synchronized (this.monitor) {
			for (PartitionConsumer consumer : this.consumers.values()) {
				String type = consumer.aggregateType();
				if (consumer.isOpen() && type != null) {
					counts.merge(type, 1, Integer::sum);
				}
			}
		}
		return counts;
	}

	private int openConsumers() {
		synchronized (this.monitor) {
			return (int) this.consumers.values().stream().filter(PartitionConsumer::isOpen).count();
		}
	}

	private int aggregatesInFlight() {
		return consumers().stream().mapToInt(PartitionConsumer::aggregatesInFlight).sum();
	}

	private List<PartitionConsumer> consumers() {
		synchronized (this.monitor) {
			return new ArrayList<>(this.consumers.values());
		}
	}

	/**
	 * Lays out the partitions not laid out yet, consumes every wanted queue that has no
	 * open consumer, drops idle lanes and deletes drained surplus queues.
	 */
	private void maintain() {
		if (!this.running) {
			return;
		}
		for (String aggregateType : this.aggregateTypes) {
			if (!this.layouts.containsKey(aggregateType)) {
				layOut(aggregateType);
			}
		}
		Map<String, WantedQueue> wanted;
		synchronized (this.monitor) {
			wanted = new LinkedHashMap<>(this.wanted);
		}
		wanted.forEach(this::ensureConsumed);
		consumers().forEach(PartitionConsumer::sweep);
		Map<PartitionLayout, Map.Entry<String, WantedQueue>> lastSurplus = new LinkedHashMap<>();
		wanted.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().surplus())
			.forEach((entry) -> lastSurplus.merge(entry.getValue().layout(), entry,
					(a, b) -> (a.getValue().partition() > b.getValue().partition()) ? a : b));
		// the highest first, so that the queues left are numbered without holes and the
		// next start counts them all
		lastSurplus.values().forEach((entry) -> deleteIfDrained(entry.getKey(), entry.getValue()));
		long now = System.nanoTime();
		if (now - this.lastRebalance >= this.partitioning.rebalanceInterval().toNanos()) {
			rebalance(this.lastRebalance);
			this.lastRebalance = now;
		}
	}

	/**
	 * Hands over the partitions this instance was the active consumer of beyond its fair
	 * share: their consumers are cancelled, which makes the next waiting instance the
	 * active one, and register again at the end of the line. Whether this instance is
	 * active on a partition shows in deliveries; how many instances there are, in an
	 * {@link InstanceCount}.
	 */
	private void rebalance(long sinceNanos) {
		for (PartitionLayout layout : this.layouts.values()) {
			List<Integer> active = new ArrayList<>();
			Map<Integer, PartitionConsumer> byPartition = new LinkedHashMap<>();
			for (int partition = 0; partition < layout.partitions(); partition++) {
				PartitionConsumer consumer;
				synchronized (this.monitor) {
					consumer = this.consumers.get(layout.queue(partition));
				}
				if (consumer != null && consumer.isOpen() && consumer.deliveredSince(sinceNanos)) {
					active.add(partition);
					byPartition.put(partition, consumer);
				}
			}
			if (active.isEmpty()) {
				continue;
			}
			List<Integer> surplus = FairShare.surplus(active, layout.partitions(), layout.instances());
			for (int partition : surplus) {
				PartitionConsumer consumer = byPartition.get(partition);
				logger.debug("Handing " + consumer.queue() + " over to another instance");
				consumer.cancel();
				consumer.awaitAndClose(this.settings.shutdownTimeout());
				WantedQueue want;
				synchronized (this.monitor) {
					want = this.wanted.get(consumer.queue());
				}
				if (want != null) {
					ensureConsumed(consumer.queue(), want);
				}
			}
		}
	}

	private void layOut(String aggregateType) {
		PartitionLayout layout = new PartitionLayout(this.connectionFactory, aggregateType, this.settings.service(),
				this.partitioning.partitionsOf(aggregateType), this.partitioning.queueType());
		try {
			List<String> surplus = layout.apply();
			synchronized (this.monitor) {
				for (int partition = 0; partition < layout.partitions(); partition++) {
					this.wanted.put(layout.queue(partition), new WantedQueue(layout, partition, false));
					this.freshlyBound.add(layout.queue(partition));
				}
				for (int i = 0; i < surplus.size(); i++) {
					this.wanted.put(surplus.get(i), new WantedQueue(layout, layout.partitions() + i, true));
				}
				this.layouts.put(aggregateType, layout);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Cannot lay out the partitions of " + aggregateType + " for " + this.settings.service()
					+ " yet (is eventsource.partitioned.queue-type the same as when they were declared?): " + ex);
		}
	}

	private void ensureConsumed(String queue, WantedQueue want) {
		PartitionConsumer current;
		synchronized (this.monitor) {
			current = this.consumers.get(queue);
		}
		if (current != null && current.isOpen()) {
			return;
		}
		if (current != null) {
			current.cancel();
			current.awaitAndClose(this.settings.shutdownTimeout());
		}
		Channel channel = null;
		try {
			channel = RawChannels.open(this.connectionFactory);
			if (want.surplus()) {
				channel.queueDeclarePassive(queue);
			}
			else if (this.freshlyBound.remove(queue)) {
				want.layout().declare(channel, want.partition());
			}
			else {
				want.layout().declareAndBind(channel, want.partition());
			}
			PartitionConsumer consumer = new PartitionConsumer(want.layout().aggregateType(), queue, channel,
					this.workers.applier(), this.workers.timer(), this.settings.retryDelay(),
					this.settings.retryBackoff());
			consumer.start(this.partitioning.prefetch());
			synchronized (this.monitor) {
				if (!this.running) {
					consumer.cancel();
					RawChannels.close(channel);
					return;
				}
				this.consumers.put(queue, consumer);
			}
		}
		catch (IOException | RuntimeException ex) {
			RawChannels.close(channel);
			if (want.surplus() && NotFound.is(ex)) {
				// a surplus queue already deleted (by another instance) needs nothing
				// more
				forget(queue);
				return;
			}
			logger.debug("Cannot consume " + queue + " yet", ex);
		}
	}

	/**
	 * Deletes a surplus queue of an earlier layout once it is drained: this instance is
	 * the only one left consuming its partitions, its own consumer has nothing in
	 * progress and is cancelled first, and the broker deletes the queue only if it is
	 * then empty and without consumers (else this instance consumes it again at the next
	 * maintenance).
	 */
	private void deleteIfDrained(String queue, WantedQueue want) {
		PartitionConsumer consumer;
		synchronized (this.monitor) {
			consumer = this.consumers.get(queue);
		}
		if (consumer == null || !consumer.isOpen() || consumer.aggregatesInFlight() > 0
				|| want.layout().instances() > 1) {
			return;
		}
		Channel channel = null;
		try {
			channel = RawChannels.open(this.connectionFactory);
			if (channel.queueDeclarePassive(queue).getMessageCount() > 0) {
				return;
			}
			consumer.cancel();
			consumer.awaitAndClose(this.settings.shutdownTimeout());
			channel.queueDelete(queue, true, true);
			logger.info("Deleted the drained partition queue " + queue);
			forget(queue);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot delete the surplus partition queue " + queue + " yet", ex);
		}
		finally {
			RawChannels.close(channel);
		}
	}

	private void forget(String queue) {
		synchronized (this.monitor) {
			this.wanted.remove(queue);
			this.consumers.remove(queue);
		}
	}

	/**
	 * A queue to consume.
	 *
	 * @param layout the layout of its aggregate type
	 * @param partition its number
	 * @param surplus whether it is a queue of an earlier, larger layout, to drain
	 */
	private record WantedQueue(PartitionLayout layout, int partition, boolean surplus) {

	}

}
