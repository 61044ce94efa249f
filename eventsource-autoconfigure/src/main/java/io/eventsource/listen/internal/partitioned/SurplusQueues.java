package io.eventsource.listen.internal.partitioned;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.rabbitmq.client.Channel;
import io.eventsource.listen.internal.lane.PartitionConsumer;
import io.eventsource.topology.internal.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Deletes the surplus queues of an earlier, larger layout once they are drained, the
 * highest-numbered of each aggregate type first, so that the queues left are numbered
 * without holes and the next start counts them all (see {@link PartitionLayout}).
 * <p>
 * Not thread-safe: called from the container's maintenance only.
 */
final class SurplusQueues {

	// under the container's name, which the log configuration knows
	private static final Log logger = LogFactory.getLog(PartitionedListenerContainer.class);

	private final ConnectionFactory connectionFactory;

	private final PartitionConsumers consumers;

	private final Duration shutdownTimeout;

	SurplusQueues(ConnectionFactory connectionFactory, PartitionConsumers consumers, Duration shutdownTimeout) {
		this.connectionFactory = connectionFactory;
		this.consumers = consumers;
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Deletes the highest-numbered surplus queue of each layout if it is drained.
	 * @param wanted the wanted queues
	 */
	void deleteDrained(Map<String, WantedQueue> wanted) {
		Map<PartitionLayout, Map.Entry<String, WantedQueue>> lastSurplus = new LinkedHashMap<>();
		wanted.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().surplus())
			.forEach((entry) -> lastSurplus.merge(entry.getValue().layout(), entry,
					(a, b) -> (a.getValue().partition() > b.getValue().partition()) ? a : b));
		lastSurplus.values().forEach((entry) -> deleteIfDrained(entry.getKey(), entry.getValue()));
	}

	/**
	 * Deletes a surplus queue once it is drained: this instance is the only one left
	 * consuming its partitions, its own consumer has nothing in progress and is cancelled
	 * first, and the broker deletes the queue only if it is then empty and without
	 * consumers (else this instance consumes it again at the next maintenance).
	 */
	private void deleteIfDrained(String queue, WantedQueue want) {
		PartitionConsumer consumer = this.consumers.consumer(queue);
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
			consumer.awaitAndClose(this.shutdownTimeout);
			channel.queueDelete(queue, true, true);
			logger.info("Deleted the drained partition queue " + queue);
			this.consumers.forget(queue);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot delete the surplus partition queue " + queue + " yet", ex);
		}
		finally {
			RawChannels.close(channel);
		}
	}

}
