package io.eventsource.listen.internal.lane;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.internal.dispatch.ReceivedMessage;
import io.eventsource.topology.internal.RawChannels;
import org.jspecify.annotations.Nullable;

/**
 * Consumes one partition queue {@code {Type}.{service}.{k}} on a channel of its own and
 * splits its deliveries into one {@link AggregateLane} per aggregate: the events of one
 * aggregate are applied in order, those of different aggregates in parallel and in shared
 * batches, and an aggregate whose event is retried holds back only its own events. A lane
 * lives while it has deliveries and is dropped when it has none, so memory follows the
 * aggregates in flight, not all the aggregates the partition ever carried.
 * <p>
 * A delivery that is not an event (no valid CloudEvents headers) goes through a lane of
 * its own, where it is parked as malformed. The replay queue, which carries several
 * aggregate types, is consumed the same way, a lane per aggregate type and id.
 */
public final class PartitionConsumer {

	private static final String NOT_AN_EVENT = "\u0000not-an-event";

	private static final String UNKNOWN_TYPE = "(unknown)";

	private final @Nullable String aggregateType;

	private final String queue;

	private final Channel channel;

	private final ChannelAcks acks;

	private final LaneFactory lanes;

	private final Map<String, AggregateLane> byAggregate = new HashMap<>();

	private volatile boolean cancelled;

	private volatile long lastDelivery;

	private volatile boolean delivered;

	private @Nullable String consumerTag;

	/**
	 * Creates the consumer.
	 * @param aggregateType the aggregate type of the queue's events, {@code null} for a
	 * queue that carries several (the replay queue)
	 * @param queue the queue
	 * @param channel the channel to consume it on
	 * @param applier applies the events
	 * @param scheduler runs the retries
	 * @param retryDelay the wait before an early event goes back to the queue
	 * @param retryBackoff the waits before a failed event is tried again
	 */
	public PartitionConsumer(@Nullable String aggregateType, String queue, Channel channel, BatchApplier applier,
			ScheduledExecutorService scheduler, Duration retryDelay, RetryBackoff retryBackoff) {
		this.aggregateType = aggregateType;
		this.queue = queue;
		this.channel = channel;
		this.acks = new ChannelAcks(channel, queue, scheduler);
		LaneRetries retries = new LaneRetries(retryDelay, retryBackoff);
		this.lanes = (type, aggregateId) -> new AggregateLane(type, aggregateId, queue, this.acks, applier, scheduler,
				retries);
	}

	public void start(int prefetch) throws IOException {
		this.channel.basicQos(prefetch);
		this.consumerTag = this.channel.basicConsume(this.queue, false, new DefaultConsumer(this.channel) {

			@Override
			public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
					byte[] body) {
				PartitionConsumer.this.acks.received(envelope.getDeliveryTag());
				received(new ReceivedMessage(envelope.getDeliveryTag(), envelope.isRedeliver(), properties, body));
			}

			@Override
			public void handleCancel(String consumerTag) {
				// the queue was deleted or the broker cancelled us: the container notices
				// and consumes again if the queue is still wanted
				cancelLanes();
			}

		});
	}

	public @Nullable String aggregateType() {
		return this.aggregateType;
	}

	public String queue() {
		return this.queue;
	}

	public boolean isOpen() {
		return this.channel.isOpen() && !this.cancelled;
	}

	/**
	 * Drops the lanes that have nothing to do.
	 * @return the lanes left
	 */
	public int sweep() {
		synchronized (this.byAggregate) {
			this.byAggregate.values().removeIf((lane) -> lane.isIdle(Duration.ZERO));
			return this.byAggregate.size();
		}
	}

	/**
	 * Returns how many aggregates have deliveries in progress or waiting.
	 * @return the number of lanes
	 */
	public int aggregatesInFlight() {
		synchronized (this.byAggregate) {
			return this.byAggregate.size();
		}
	}

	/**
	 * Stops taking deliveries and gives back at once those not started.
	 */
	public void cancel() {
		try {
			if (this.consumerTag != null && this.channel.isOpen()) {
				this.channel.basicCancel(this.consumerTag);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the channel is gone: the broker gives the deliveries back
		}
		cancelLanes();
	}

	/**
	 * Waits for the batches in progress to finish, then closes the channel; anything
	 * unacknowledged goes back to the queue.
	 * @param timeout the longest wait
	 */
	public void awaitAndClose(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (AggregateLane lane : lanes()) {
			lane.awaitBatch(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
		this.acks.release();
		RawChannels.close(this.channel);
	}

	/**
	 * Returns whether a delivery arrived since a given time: with a single active
	 * consumer, whether this instance is the partition's active one.
	 * @param sinceNanos the time, from {@link System#nanoTime()}
	 * @return {@code true} when one arrived
	 */
	public boolean deliveredSince(long sinceNanos) {
		return this.delivered && this.lastDelivery - sinceNanos >= 0;
	}

	private void received(ReceivedMessage delivery) {
		this.lastDelivery = System.nanoTime();
		this.delivered = true;
		EventMetadata metadata = delivery.metadata();
		String key = (metadata != null) ? metadata.aggregateType() + NOT_AN_EVENT + metadata.aggregateId()
				: NOT_AN_EVENT;
		String type = (this.aggregateType != null) ? this.aggregateType
				: (metadata != null) ? metadata.aggregateType() : UNKNOWN_TYPE;
		synchronized (this.byAggregate) {
			AggregateLane lane = this.byAggregate.computeIfAbsent(key,
					(k) -> this.lanes.create(type, (metadata != null) ? metadata.aggregateId() : this.queue));
			if (this.cancelled) {
				// gives the delivery back to the queue
				lane.cancel();
			}
			lane.received(delivery);
		}
	}

	private void cancelLanes() {
		this.cancelled = true;
		lanes().forEach(AggregateLane::cancel);
	}

	private List<AggregateLane> lanes() {
		synchronized (this.byAggregate) {
			return new ArrayList<>(this.byAggregate.values());
		}
	}

	@FunctionalInterface
	private interface LaneFactory {

		AggregateLane create(String aggregateType, String aggregateId);

	}

}
