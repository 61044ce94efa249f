package io.eventsource.listen;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.jspecify.annotations.Nullable;

/**
 * Consumes one per-aggregate queue {@code {Type}-{id}-{service}} on a channel it shares
 * with the consumers of other aggregates ({@link AggregateChannels}); its deliveries go,
 * in order, through one {@link AggregateLane}. Ending it never closes the channel: the
 * deliveries it holds are acknowledged once applied or rejected back to the queue.
 */
final class AggregateQueueConsumer {

	private final Channel channel;

	private final ChannelAcks acks;

	private final AggregateLane lane;

	private @Nullable String consumerTag;

	AggregateQueueConsumer(String aggregateType, String aggregateId, String queue, AggregateChannels.Consuming channel,
			BatchApplier applier, ScheduledExecutorService scheduler, Duration retryDelay, RetryBackoff retryBackoff) {
		this.channel = channel.channel();
		this.acks = channel.acks();
		this.lane = new AggregateLane(aggregateType, aggregateId, queue, this.acks, applier, scheduler, retryDelay,
				retryBackoff);
	}

	void start() throws IOException {
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
	 * Returns whether the consumer, cancelled, gave deliveries back to the queue, which
	 * then needs a consumer again.
	 */
	boolean gaveBack() {
		return this.lane.gaveBack();
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
	 * Waits for the batch in progress to finish; called after {@link #cancel()}. The
	 * deliveries of the batch are then acknowledged with the next flush of the shared
	 * channel, and those it did not apply are rejected back to the queue, also when the
	 * batch outlasts the wait.
	 * @param timeout the longest wait
	 */
	void awaitEnd(Duration timeout) {
		this.lane.awaitBatch(timeout);
	}

}
