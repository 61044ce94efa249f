package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventsource.listen.internal.dispatch.ReceivedMessage;
import io.eventsource.listen.internal.lane.AggregateLane;
import io.eventsource.listen.internal.lane.BatchApplier;
import io.eventsource.listen.internal.lane.ChannelAcks;
import io.eventsource.listen.internal.lane.LaneRetries;
import org.jspecify.annotations.Nullable;

/**
 * Consumes one per-aggregate queue {@code {Type}-{id}-{service}} on a channel it shares
 * with the consumers of other aggregates ({@link AggregateChannels}); its deliveries go,
 * in order, through one {@link AggregateLane}. Ending it never closes the channel: the
 * deliveries it holds are acknowledged once applied or rejected back to the queue.
 * <p>
 * The client completes a {@code basic.cancel} when the broker's reply arrives, while the
 * deliveries the broker sent before that reply may still wait for the channel's dispatch
 * thread. The consumer has ended only once the reply itself is dispatched, after them:
 * {@link #awaitEnd(Duration)} waits for that, so that whatever arrived before the cancel
 * has been given back to the queue, and {@link #gaveBack()} says so, when it returns.
 */
final class AggregateQueueConsumer {

	private final Channel channel;

	private final ChannelAcks acks;

	private final AggregateLane lane;

	private final CountDownLatch ended = new CountDownLatch(1);

	private @Nullable String consumerTag;

	/**
	 * Creates the consumer of one per-aggregate queue, not started.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param queue the queue {@code {Type}-{id}-{service}}
	 * @param channel the shared channel to consume on, with its acknowledgements
	 * @param applier applies the events
	 * @param scheduler runs the retries
	 * @param retries the waits before early and failed events are tried again
	 */
	AggregateQueueConsumer(String aggregateType, String aggregateId, String queue, AggregateChannels.Consuming channel,
			BatchApplier applier, ScheduledExecutorService scheduler, LaneRetries retries) {
		this.channel = channel.channel();
		this.acks = channel.acks();
		this.lane = new AggregateLane(aggregateType, aggregateId, queue, this.acks, applier, scheduler, retries);
	}

	void start() throws IOException {
		this.consumerTag = this.channel.basicConsume(this.lane.queue(), false, new DefaultConsumer(this.channel) {

			@Override
			public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
					byte[] body) {
				AggregateQueueConsumer.this.acks.received(envelope.getDeliveryTag());
				AggregateQueueConsumer.this.lane
					.received(new ReceivedMessage(envelope.getDeliveryTag(), envelope.isRedeliver(), properties, body));
			}

			@Override
			public void handleCancelOk(String consumerTag) {
				// dispatched after every delivery that came before the reply
				AggregateQueueConsumer.this.ended.countDown();
			}

			@Override
			public void handleCancel(String consumerTag) {
				// the queue was deleted or the broker cancelled us: the container notices
				// and moves on
				AggregateQueueConsumer.this.lane.cancel();
				AggregateQueueConsumer.this.ended.countDown();
			}

			@Override
			public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
				// the channel closed: the broker took back every delivery
				AggregateQueueConsumer.this.ended.countDown();
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
		boolean cancelling = false;
		try {
			if (this.consumerTag != null && this.channel.isOpen()) {
				this.channel.basicCancel(this.consumerTag);
				cancelling = true;
			}
		}
		catch (IOException | RuntimeException ex) {
			// the channel is gone: the broker gives the deliveries back
		}
		if (!cancelling) {
			this.ended.countDown();
		}
		this.lane.cancel();
	}

	/**
	 * Waits until the broker's reply to the cancel is dispatched (every delivery that
	 * came before it has then reached the lane, which gave it back) and the batch in
	 * progress finished; called after {@link #cancel()}. The deliveries of the batch are
	 * then acknowledged with the next flush of the shared channel, and those it did not
	 * apply are rejected back to the queue, also when the batch outlasts the wait.
	 * @param timeout the longest wait
	 */
	void awaitEnd(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			this.ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		this.lane.awaitBatch(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
	}

}
