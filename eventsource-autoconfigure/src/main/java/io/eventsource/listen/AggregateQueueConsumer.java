package io.eventsource.listen;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.topology.RawChannels;
import org.jspecify.annotations.Nullable;

/**
 * Consumes one per-aggregate queue {@code {Type}-{id}-{service}} on a channel of its own;
 * its deliveries go, in order, through one {@link AggregateLane}.
 */
final class AggregateQueueConsumer {

	private final Channel channel;

	private final ChannelAcks acks;

	private final AggregateLane lane;

	private @Nullable String consumerTag;

	AggregateQueueConsumer(String aggregateType, String aggregateId, String queue, Channel channel,
			BatchApplier applier, ScheduledExecutorService scheduler, Duration retryDelay, RetryBackoff retryBackoff) {
		this.channel = channel;
		this.acks = new ChannelAcks(channel, queue, scheduler);
		this.lane = new AggregateLane(aggregateType, aggregateId, queue, this.acks, applier, scheduler, retryDelay,
				retryBackoff);
	}

	void start(int prefetch) throws IOException {
		this.channel.basicQos(prefetch);
		this.consumerTag = this.channel.basicConsume(this.lane.queue(), false, new DefaultConsumer(this.channel) {

			@Override
			public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
					byte[] body) {
				AggregateQueueConsumer.this.acks.received(envelope.getDeliveryTag());
				AggregateQueueConsumer.this.lane
					.received(new Delivery(envelope.getDeliveryTag(), envelope.isRedeliver(), properties, body));
			}

			@Override
			public void handleCancel(String consumerTag) {
				// the queue was deleted or the broker cancelled us: the container notices
				// and moves on
				AggregateQueueConsumer.this.lane.cancel();
			}

		});
	}

	String aggregateType() {
		return this.lane.aggregateType();
	}

	String aggregateId() {
		return this.lane.aggregateId();
	}

	String queue() {
		return this.lane.queue();
	}

	/**
	 * Returns whether nothing arrived or was in progress for at least the given time.
	 */
	boolean isIdle(Duration idleTimeout) {
		return this.lane.isIdle(idleTimeout);
	}

	boolean isOpen() {
		return this.channel.isOpen() && !this.lane.isCancelled();
	}

	/**
	 * Returns whether deliveries arrived after the consumer was cancelled: they went back
	 * to the queue, which needs a consumer again.
	 */
	boolean deliveredAfterCancel() {
		return this.lane.deliveredAfterCancel();
	}

	/**
	 * Stops taking deliveries and gives back at once those not started, so that the next
	 * consumer of the queue (another instance) receives them first.
	 */
	void cancel() {
		try {
			if (this.consumerTag != null && this.channel.isOpen()) {
				this.channel.basicCancel(this.consumerTag);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the channel is gone: the broker gives the deliveries back
		}
		this.lane.cancel();
	}

	/**
	 * Waits for the batch in progress to finish, then closes the channel; anything
	 * unacknowledged goes back to the queue.
	 */
	void awaitAndClose(Duration timeout) {
		this.lane.awaitBatch(timeout);
		this.acks.release();
		RawChannels.close(this.channel);
	}

}
