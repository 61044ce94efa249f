package io.eventsource.listen.internal.partitioned;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.Channel;
import io.eventsource.topology.PartitionQueueType;
import io.eventsource.topology.PartitionedNames;
import io.eventsource.topology.internal.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * The partition queues of one service for one aggregate type on the broker: declares the
 * exchange {@code {Type}} and the queues {@code {Type}.{service}.{k}}, and binds every
 * bucket to its partition.
 * <p>
 * Changing the number of partitions is this class's job too. The queues of an earlier
 * layout are found on the broker (they are numbered from 0 without holes). Every bucket
 * is bound to its new partition before it is unbound from its old one, so no event finds
 * the service without a queue; queues beyond the new number are then drained by the
 * container and deleted once empty. While old and new partitions are both consumed, an
 * aggregate's events may arrive out of order or twice: the inbox applies them in sequence
 * order, once.
 */
final class PartitionLayout {

	private static final Log logger = LogFactory.getLog(PartitionLayout.class);

	private final ConnectionFactory connectionFactory;

	private final String aggregateType;

	private final String service;

	private final int partitions;

	private final PartitionQueueType queueType;

	private final InstanceCount instances;

	PartitionLayout(ConnectionFactory connectionFactory, String aggregateType, String service, int partitions,
			PartitionQueueType queueType) {
		PartitionedNames.checkPartitions(partitions);
		this.connectionFactory = connectionFactory;
		this.aggregateType = aggregateType;
		this.service = service;
		this.partitions = partitions;
		this.queueType = queueType;
		this.instances = new InstanceCount(connectionFactory, aggregateType, service);
	}

	/**
	 * Returns how many instances of the service consume these partitions.
	 * @return the count, this instance included
	 */
	int instances() {
		return this.instances.instances();
	}

	/**
	 * Lets go of what this instance holds on the broker for the layout.
	 */
	void close() {
		this.instances.close();
	}

	String aggregateType() {
		return this.aggregateType;
	}

	int partitions() {
		return this.partitions;
	}

	String queue(int partition) {
		return PartitionedNames.queue(this.aggregateType, this.service, partition);
	}

	/**
	 * Declares the exchange and the partitions, binds every bucket to its partition and
	 * unbinds it from the partition of an earlier layout.
	 * @return the queues of an earlier, larger layout, now unbound, to drain and delete
	 * @throws IOException if the broker refuses a declaration (a partition queue declared
	 * with other arguments, such as another queue type)
	 */
	List<String> apply() throws IOException {
		int existing = countExisting();
		String exchange = PartitionedNames.exchange(this.aggregateType);
		Channel channel = RawChannels.open(this.connectionFactory);
		try {
			channel.exchangeDeclare(exchange, "direct", true, false, null);
			for (int partition = 0; partition < this.partitions; partition++) {
				declare(channel, partition);
			}
			for (int bucket = 0; bucket < PartitionedNames.BUCKETS; bucket++) {
				channel.queueBind(queue(PartitionedNames.partitionOf(bucket, this.partitions)), exchange,
						Integer.toString(bucket));
			}
			if (existing > 0 && existing != this.partitions) {
				for (int bucket = 0; bucket < PartitionedNames.BUCKETS; bucket++) {
					int old = PartitionedNames.partitionOf(bucket, existing);
					if (old != PartitionedNames.partitionOf(bucket, this.partitions)) {
						channel.queueUnbind(queue(old), exchange, Integer.toString(bucket));
					}
				}
				logger.info("The partitions of " + this.aggregateType + " for " + this.service + " went from "
						+ existing + " to " + this.partitions
						+ ((existing > this.partitions) ? "; the surplus queues are drained, then deleted" : ""));
			}
		}
		finally {
			RawChannels.close(channel);
		}
		// counted from now on by the other instances
		this.instances.instances();
		List<String> surplus = new ArrayList<>();
		for (int partition = this.partitions; partition < existing; partition++) {
			surplus.add(queue(partition));
		}
		return surplus;
	}

	/**
	 * Declares one partition and binds its buckets again (after the broker lost them, or
	 * when its consumer comes back).
	 * @param channel the channel
	 * @param partition the partition
	 * @throws IOException if the broker refuses
	 */
	void declareAndBind(Channel channel, int partition) throws IOException {
		String exchange = PartitionedNames.exchange(this.aggregateType);
		channel.exchangeDeclare(exchange, "direct", true, false, null);
		declare(channel, partition);
		for (int bucket = partition; bucket < PartitionedNames.BUCKETS; bucket += this.partitions) {
			channel.queueBind(queue(partition), exchange, Integer.toString(bucket));
		}
	}

	/**
	 * Declares one partition, without binding it (just after {@link #apply()}, which
	 * bound every bucket).
	 * @param channel the channel
	 * @param partition the partition
	 * @throws IOException if the broker refuses
	 */
	void declare(Channel channel, int partition) throws IOException {
		channel.queueDeclare(queue(partition), true, false, false, PartitionedNames.queueArguments(this.queueType));
	}

	/**
	 * Counts the partition queues on the broker: a passive declaration of each from 0
	 * until one is missing.
	 */
	private int countExisting() throws IOException {
		Channel channel = RawChannels.open(this.connectionFactory);
		try {
			int count = 0;
			while (count < PartitionedNames.BUCKETS) {
				try {
					channel.queueDeclarePassive(queue(count));
				}
				catch (IOException ex) {
					if (NotFound.is(ex)) {
						// the broker closed the channel: the queue is missing
						return count;
					}
					throw ex;
				}
				count++;
			}
			return count;
		}
		finally {
			RawChannels.close(channel);
		}
	}

}
