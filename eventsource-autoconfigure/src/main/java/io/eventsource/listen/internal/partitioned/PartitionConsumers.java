package io.eventsource.listen.internal.partitioned;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.rabbitmq.client.Channel;
import io.eventsource.listen.internal.lane.ListenerSettings;
import io.eventsource.listen.internal.lane.ListenerWorkers;
import io.eventsource.listen.internal.lane.PartitionConsumer;
import io.eventsource.topology.internal.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * The queues this instance consumes on the partitioned topology, and their consumers.
 * Each applied {@link PartitionLayout} adds its partitions, and the surplus queues of an
 * earlier layout, to the wanted queues; {@link #ensureConsumed} gives a wanted queue
 * without an open consumer a new one, declaring the partition and binding its buckets
 * again first, so that a consumer whose channel closed comes back at the next
 * maintenance.
 * <p>
 * Thread-safe: the layouts, wanted queues and consumers are guarded by one monitor, while
 * the broker is called outside of it; {@link #laidOut} and {@link #ensureConsumed} are
 * called from the container's maintenance only. Once {@link #stop stopped}, a consumer
 * started meanwhile is cancelled instead of kept.
 */
final class PartitionConsumers {

	// under the container's name, which the log configuration knows
	private static final Log logger = LogFactory.getLog(PartitionedListenerContainer.class);

	private final ConnectionFactory connectionFactory;

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

	private boolean running;

	PartitionConsumers(ConnectionFactory connectionFactory, ListenerSettings settings, PartitionSettings partitioning) {
		this.connectionFactory = connectionFactory;
		this.settings = settings;
		this.partitioning = partitioning;
	}

	/**
	 * Lets {@link #ensureConsumed} start consumers, which apply their events on the given
	 * workers.
	 * @param workers the workers
	 */
	void start(ListenerWorkers workers) {
		synchronized (this.monitor) {
			this.workers = workers;
			this.running = true;
		}
	}

	/**
	 * Cancels every consumer and waits for their events in progress; consumers started
	 * from now on are cancelled at once.
	 */
	void stop() {
		List<PartitionConsumer> stopping;
		synchronized (this.monitor) {
			this.running = false;
			stopping = new ArrayList<>(this.consumers.values());
			this.consumers.clear();
		}
		stopping.forEach(PartitionConsumer::cancel);
		stopping.forEach((consumer) -> consumer.awaitAndClose(this.settings.shutdownTimeout()));
	}

	/**
	 * Records an applied layout: its partitions, whose buckets it bound, and the surplus
	 * queues of the earlier layout become wanted.
	 * @param layout the layout
	 * @param surplus the surplus queues, as {@link PartitionLayout#apply()} returned them
	 */
	void laidOut(PartitionLayout layout, List<String> surplus) {
		synchronized (this.monitor) {
			for (int partition = 0; partition < layout.partitions(); partition++) {
				this.wanted.put(layout.queue(partition), new WantedQueue(layout, partition, false));
				this.freshlyBound.add(layout.queue(partition));
			}
			for (int i = 0; i < surplus.size(); i++) {
				this.wanted.put(surplus.get(i), new WantedQueue(layout, layout.partitions() + i, true));
			}
			this.layouts.put(layout.aggregateType(), layout);
		}
	}

	boolean isLaidOut(String aggregateType) {
		synchronized (this.monitor) {
			return this.layouts.containsKey(aggregateType);
		}
	}

	List<PartitionLayout> layouts() {
		synchronized (this.monitor) {
			return new ArrayList<>(this.layouts.values());
		}
	}

	/**
	 * Lets go of what the layouts hold on the broker.
	 */
	void closeLayouts() {
		synchronized (this.monitor) {
			this.layouts.values().forEach(PartitionLayout::close);
		}
	}

	Map<String, WantedQueue> wanted() {
		synchronized (this.monitor) {
			return new LinkedHashMap<>(this.wanted);
		}
	}

	@Nullable WantedQueue wanted(String queue) {
		synchronized (this.monitor) {
			return this.wanted.get(queue);
		}
	}

	@Nullable PartitionConsumer consumer(String queue) {
		synchronized (this.monitor) {
			return this.consumers.get(queue);
		}
	}

	List<PartitionConsumer> consumers() {
		synchronized (this.monitor) {
			return new ArrayList<>(this.consumers.values());
		}
	}

	/**
	 * Returns whether every aggregate type is laid out and every partition has an open
	 * consumer.
	 * @param aggregateTypes how many aggregate types there are to lay out
	 * @return {@code true} when all are consumed
	 */
	boolean consumesAll(int aggregateTypes) {
		synchronized (this.monitor) {
			if (this.layouts.size() < aggregateTypes) {
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

	/**
	 * Counts the open consumers by aggregate type.
	 * @param counts where to add them, by aggregate type
	 */
	void countOpen(Map<String, Integer> counts) {
		synchronized (this.monitor) {
			for (PartitionConsumer consumer : this.consumers.values()) {
				String type = consumer.aggregateType();
				if (consumer.isOpen() && type != null) {
					counts.merge(type, 1, Integer::sum);
				}
			}
		}
	}

	int countOpen() {
		synchronized (this.monitor) {
			return (int) this.consumers.values().stream().filter(PartitionConsumer::isOpen).count();
		}
	}

	/**
	 * Gives a wanted queue a consumer unless it has an open one: closes the old one,
	 * declares the queue (and binds its partition's buckets again) and starts a new one.
	 * A surplus queue another instance deleted is forgotten; other failures are tried
	 * again at the next maintenance.
	 * @param queue the queue
	 * @param want what the queue is
	 */
	void ensureConsumed(String queue, WantedQueue want) {
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
	 * Stops wanting a queue, which was deleted, and drops its consumer.
	 * @param queue the queue
	 */
	void forget(String queue) {
		synchronized (this.monitor) {
			this.wanted.remove(queue);
			this.consumers.remove(queue);
		}
	}

}
