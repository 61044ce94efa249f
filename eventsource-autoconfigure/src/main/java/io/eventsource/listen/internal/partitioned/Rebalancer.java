package io.eventsource.listen.internal.partitioned;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.eventsource.listen.internal.lane.PartitionConsumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Hands over, once per rebalance interval, the partitions this instance was the active
 * consumer of beyond its {@link FairShare fair share}: their consumers are cancelled,
 * which makes the next waiting instance the active one, and register again at the end of
 * the line. Whether this instance is active on a partition shows in deliveries since the
 * last rebalance; how many instances there are, in an {@link InstanceCount}.
 * <p>
 * Not thread-safe: called from the container's maintenance only.
 */
final class Rebalancer {

	// under the container's name, which the log configuration knows
	private static final Log logger = LogFactory.getLog(PartitionedListenerContainer.class);

	private final PartitionConsumers consumers;

	private final Duration interval;

	private final Duration shutdownTimeout;

	private long lastRebalance = System.nanoTime();

	Rebalancer(PartitionConsumers consumers, Duration interval, Duration shutdownTimeout) {
		this.consumers = consumers;
		this.interval = interval;
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Rebalances if the interval has passed since the last time.
	 */
	void rebalanceIfDue() {
		long now = System.nanoTime();
		if (now - this.lastRebalance >= this.interval.toNanos()) {
			rebalance(this.lastRebalance);
			this.lastRebalance = now;
		}
	}

	private void rebalance(long sinceNanos) {
		for (PartitionLayout layout : this.consumers.layouts()) {
			List<Integer> active = new ArrayList<>();
			Map<Integer, PartitionConsumer> byPartition = new LinkedHashMap<>();
			for (int partition = 0; partition < layout.partitions(); partition++) {
				PartitionConsumer consumer = this.consumers.consumer(layout.queue(partition));
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
				consumer.awaitAndClose(this.shutdownTimeout);
				WantedQueue want = this.consumers.wanted(consumer.queue());
				if (want != null) {
					this.consumers.ensureConsumed(consumer.queue(), want);
				}
			}
		}
	}

}
