package io.eventsource.listen.internal.partitioned;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.eventsource.listen.ListenerContainer;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.listen.internal.lane.ListenerSettings;
import io.eventsource.listen.internal.lane.ListenerWorkers;
import io.eventsource.listen.internal.lane.PartitionConsumer;
import io.eventsource.topology.TopologyType;
import io.eventsource.topology.internal.AggregateTopologies;
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

	private final PartitionConsumers consumers;

	private final SurplusQueues surplusQueues;

	private final Rebalancer rebalancer;

	private @Nullable ListenerWorkers workers;

	private volatile Set<String> aggregateTypes = Set.of();

	private volatile boolean running;

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
		this.consumers = new PartitionConsumers(connectionFactory, settings, partitioning);
		this.surplusQueues = new SurplusQueues(connectionFactory, this.consumers, settings.shutdownTimeout());
		this.rebalancer = new Rebalancer(this.consumers, partitioning.rebalanceInterval(), settings.shutdownTimeout());
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
		this.consumers.start(workers);
		Gauge.builder("eventsource.partition.consumers", this.consumers, PartitionConsumers::countOpen)
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
		this.consumers.stop();
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
		this.consumers.closeLayouts();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isConsuming() {
		return this.running && this.consumers.consumesAll(this.aggregateTypes.size());
	}

	@Override
	public Set<String> aggregateTypes() {
		return this.aggregateTypes;
	}

	@Override
	public Map<String, Integer> consumersByAggregateType() {
		Map<String, Integer> counts = new TreeMap<>();
		this.aggregateTypes.forEach((type) -> counts.put(type, 0));
		this.consumers.countOpen(counts);
		return counts;
	}

	private int aggregatesInFlight() {
		return this.consumers.consumers().stream().mapToInt(PartitionConsumer::aggregatesInFlight).sum();
	}

	/**
	 * Lays out the partitions not laid out yet, consumes every wanted queue that has no
	 * open consumer, drops idle lanes, deletes drained surplus queues and, when it is
	 * time, rebalances.
	 */
	private void maintain() {
		if (!this.running) {
			return;
		}
		for (String aggregateType : this.aggregateTypes) {
			if (!this.consumers.isLaidOut(aggregateType)) {
				layOut(aggregateType);
			}
		}
		Map<String, WantedQueue> wanted = this.consumers.wanted();
		wanted.forEach(this.consumers::ensureConsumed);
		this.consumers.consumers().forEach(PartitionConsumer::sweep);
		this.surplusQueues.deleteDrained(wanted);
		this.rebalancer.rebalanceIfDue();
	}

	private void layOut(String aggregateType) {
		PartitionLayout layout = new PartitionLayout(this.connectionFactory, aggregateType, this.settings.service(),
				this.partitioning.partitionsOf(aggregateType), this.partitioning.queueType());
		try {
			this.consumers.laidOut(layout, layout.apply());
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Cannot lay out the partitions of " + aggregateType + " for " + this.settings.service()
					+ " yet (is eventsource.partitioned.queue-type the same as when they were declared?): " + ex);
		}
	}

}
