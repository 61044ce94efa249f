package io.eventsource.listen.internal.partitioned;

import java.io.IOException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import io.eventsource.topology.PartitionedNames;
import io.eventsource.topology.internal.RawChannels;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Counts the instances of a service that consume the partitions of an aggregate type:
 * each consumes {@link PartitionedNames#instancesQueue(String, String)}, whose consumer
 * count the broker reports.
 */
final class InstanceCount {

	private final ConnectionFactory connectionFactory;

	private final String queue;

	private @Nullable Channel channel;

	InstanceCount(ConnectionFactory connectionFactory, String aggregateType, String service) {
		this.connectionFactory = connectionFactory;
		this.queue = PartitionedNames.instancesQueue(aggregateType, service);
	}

	/**
	 * Returns how many instances consume, this one included.
	 * @return the count, {@code 1} when the broker cannot tell
	 */
	int instances() {
		try {
			Channel channel = this.channel;
			if (channel == null || !channel.isOpen()) {
				channel = RawChannels.open(this.connectionFactory);
				this.channel = channel;
				channel.queueDeclare(this.queue, true, false, false, PartitionedNames.expiringQueueArguments());
				channel.basicConsume(this.queue, true, new DefaultConsumer(channel));
			}
			return Math.max(1, channel.queueDeclarePassive(this.queue).getConsumerCount());
		}
		catch (IOException | RuntimeException ex) {
			close();
			return 1;
		}
	}

	void close() {
		Channel channel = this.channel;
		this.channel = null;
		RawChannels.close(channel);
	}

}
