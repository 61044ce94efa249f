package io.eventsource.listen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.envelope.CloudEventsAmqpBinding;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.InvalidEventHeadersException;
import io.eventsource.topology.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Consumes one per-aggregate queue {@code {Type}-{id}-{service}} on a channel of its own
 * and applies its events one at a time, in order, on a worker of the shared pool.
 * <p>
 * An event that arrives ahead of a missing predecessor waits, unacknowledged, while the
 * following deliveries are tried (the relay sends an event again after a predecessor it
 * could not confirm). When nothing else arrives, the waiting events go back to the queue
 * after the retry delay, so that a predecessor released by another consumer (a hand-over
 * between instances) comes first and the prefetch never fills with events that cannot be
 * applied. A failed event is retried after the delay and holds back the ones behind it. A
 * message is acknowledged to the broker only once every projection is done with it.
 */
final class AggregateQueueConsumer {

	private static final Log logger = LogFactory.getLog(AggregateQueueConsumer.class);

	private final String aggregateType;

	private final String aggregateId;

	private final String queue;

	private final Channel channel;

	private final EventDispatcher dispatcher;

	private final Executor workers;

	private final ScheduledExecutorService scheduler;

	private final Duration retryDelay;

	private final Object monitor = new Object();

	private final Deque<Delivery> inbound = new ArrayDeque<>();

	private final List<Delivery> waiting = new ArrayList<>();

	private boolean draining;

	private boolean retryScheduled;

	private volatile long lastActivity = System.nanoTime();

	private volatile boolean cancelled;

	private volatile boolean deliveredAfterCancel;

	private @Nullable String consumerTag;

	AggregateQueueConsumer(String aggregateType, String aggregateId, String queue, Channel channel,
			EventDispatcher dispatcher, Executor workers, ScheduledExecutorService scheduler, Duration retryDelay) {
		this.aggregateType = aggregateType;
		this.aggregateId = aggregateId;
		this.queue = queue;
		this.channel = channel;
		this.dispatcher = dispatcher;
		this.workers = workers;
		this.scheduler = scheduler;
		this.retryDelay = retryDelay;
	}

	void start(int prefetch) throws IOException {
		this.channel.basicQos(prefetch);
		this.consumerTag = this.channel.basicConsume(this.queue, false, new DefaultConsumer(this.channel) {

			@Override
			public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
					byte[] body) {
				received(new Delivery(envelope.getDeliveryTag(), envelope.isRedeliver(), properties, body));
			}

			@Override
			public void handleCancel(String consumerTag) {
				// the queue was deleted or the broker cancelled us: the container notices
				// and moves on
				AggregateQueueConsumer.this.cancelled = true;
			}

		});
	}

	String aggregateType() {
		return this.aggregateType;
	}

	String aggregateId() {
		return this.aggregateId;
	}

	String queue() {
		return this.queue;
	}

	/**
	 * Returns whether nothing arrived or was in progress for at least the given time.
	 */
	boolean isIdle(Duration idleTimeout) {
		synchronized (this.monitor) {
			if (this.draining || !this.inbound.isEmpty() || !this.waiting.isEmpty() || this.retryScheduled) {
				return false;
			}
		}
		return System.nanoTime() - this.lastActivity >= idleTimeout.toNanos();
	}

	boolean isOpen() {
		return this.channel.isOpen() && !this.cancelled;
	}

	/**
	 * Returns whether deliveries arrived after the consumer was cancelled: they went back
	 * to the queue, which needs a consumer again.
	 */
	boolean deliveredAfterCancel() {
		return this.deliveredAfterCancel;
	}

	/**
	 * Stops taking deliveries and gives back at once those not started, so that the next
	 * consumer of the queue (another instance) receives them first.
	 */
	void cancel() {
		this.cancelled = true;
		try {
			if (this.consumerTag != null && this.channel.isOpen()) {
				this.channel.basicCancel(this.consumerTag);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the channel is gone: the broker gives the deliveries back
		}
		List<Delivery> notStarted;
		synchronized (this.monitor) {
			notStarted = new ArrayList<>(this.inbound);
			notStarted.addAll(this.waiting);
			this.inbound.clear();
			this.waiting.clear();
		}
		notStarted.forEach(this::requeue);
	}

	/**
	 * Waits for the event in progress to finish, then closes the channel; anything
	 * unacknowledged goes back to the queue.
	 */
	void awaitAndClose(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (this.draining && System.nanoTime() < deadline) {
				try {
					this.monitor.wait(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		RawChannels.close(this.channel);
	}

	private void received(Delivery delivery) {
		this.lastActivity = System.nanoTime();
		synchronized (this.monitor) {
			if (this.cancelled) {
				this.deliveredAfterCancel = true;
				requeue(delivery);
				return;
			}
			this.inbound.addLast(delivery);
			if (this.draining || this.retryScheduled) {
				return;
			}
			this.draining = true;
		}
		startDrain();
	}

	private void startDrain() {
		try {
			this.workers.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			synchronized (this.monitor) {
				this.draining = false;
				this.monitor.notifyAll();
			}
		}
	}

	private void drain() {
		boolean finished = false;
		try {
			finished = drainInbound();
		}
		finally {
			if (!finished) {
				synchronized (this.monitor) {
					this.draining = false;
					this.monitor.notifyAll();
				}
			}
		}
	}

	/**
	 * Applies inbound deliveries until none is left or one fails.
	 * @return {@code true} when the draining flag was already reset
	 */
	private boolean drainInbound() {
		while (true) {
			Delivery next;
			synchronized (this.monitor) {
				next = this.cancelled ? null : this.inbound.pollFirst();
				if (next == null) {
					this.draining = false;
					if (!this.waiting.isEmpty() && !this.cancelled) {
						scheduleRetry();
					}
					this.monitor.notifyAll();
					return true;
				}
			}
			DispatchOutcome outcome = dispatch(next);
			this.lastActivity = System.nanoTime();
			if (outcome.isDone()) {
				ack(next);
				retryWaiting();
			}
			else if (outcome == DispatchOutcome.GAP) {
				if (!next.redelivered()) {
					logger.warn("Event " + next.describe() + " on " + this.queue
							+ " arrived before an earlier event of its aggregate; it waits for it");
				}
				synchronized (this.monitor) {
					this.waiting.add(next);
				}
			}
			else {
				synchronized (this.monitor) {
					this.inbound.addFirst(next);
					this.draining = false;
					scheduleRetry();
					this.monitor.notifyAll();
				}
				return true;
			}
		}
	}

	private void retryWaiting() {
		boolean progress = true;
		while (progress) {
			progress = false;
			List<Delivery> snapshot;
			synchronized (this.monitor) {
				if (this.waiting.isEmpty()) {
					return;
				}
				snapshot = new ArrayList<>(this.waiting);
			}
			snapshot.sort(Comparator.comparingLong(Delivery::sequence));
			Delivery lowest = snapshot.get(0);
			if (dispatch(lowest).isDone()) {
				synchronized (this.monitor) {
					this.waiting.remove(lowest);
				}
				ack(lowest);
				progress = true;
			}
		}
	}

	/**
	 * After the retry delay: waiting deliveries go back to the queue, and a failed one is
	 * tried again.
	 */
	private void scheduleRetry() {
		this.retryScheduled = true;
		this.scheduler.schedule(() -> {
			List<Delivery> giveBack;
			synchronized (this.monitor) {
				this.retryScheduled = false;
				giveBack = new ArrayList<>(this.waiting);
				this.waiting.clear();
				if (this.cancelled || this.draining) {
					giveBack.forEach(this::requeue);
					return;
				}
				this.draining = !this.inbound.isEmpty();
			}
			giveBack.forEach(this::requeue);
			if (this.draining) {
				startDrain();
			}
		}, this.retryDelay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private DispatchOutcome dispatch(Delivery delivery) {
		EventMetadata metadata = delivery.metadata();
		if (metadata == null) {
			logger.warn("A message on " + this.queue + " is not an eventsource event and is dropped: "
					+ delivery.headerError());
			return DispatchOutcome.IGNORED;
		}
		try {
			return this.dispatcher.dispatch(metadata, delivery.body());
		}
		catch (Throwable ex) {
			logger.warn("Dispatching " + delivery.describe() + " failed; it is retried after " + this.retryDelay, ex);
			return DispatchOutcome.FAIL;
		}
	}

	private void ack(Delivery delivery) {
		try {
			this.channel.basicAck(delivery.deliveryTag(), false);
		}
		catch (IOException | RuntimeException ex) {
			// the broker delivers it again; the inbox then finds it applied
			logger.debug("Could not acknowledge a delivery on " + this.queue, ex);
		}
	}

	private void requeue(Delivery delivery) {
		try {
			if (this.channel.isOpen()) {
				this.channel.basicNack(delivery.deliveryTag(), false, true);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the channel is gone: the broker gives it back anyway
		}
	}

	/**
	 * One delivery, with its metadata read once.
	 */
	static final class Delivery {

		private final long deliveryTag;

		private final boolean redelivered;

		private final byte[] body;

		private final @Nullable EventMetadata metadata;

		private final @Nullable String headerError;

		Delivery(long deliveryTag, boolean redelivered, AMQP.BasicProperties properties, byte[] body) {
			this.deliveryTag = deliveryTag;
			this.redelivered = redelivered;
			this.body = body;
			EventMetadata metadata = null;
			String error = null;
			try {
				Map<String, Object> headers = (properties.getHeaders() != null) ? properties.getHeaders() : Map.of();
				metadata = CloudEventsAmqpBinding.fromHeaders(headers);
			}
			catch (InvalidEventHeadersException ex) {
				error = ex.getMessage() + " (body: "
						+ new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8) + ")";
			}
			this.metadata = metadata;
			this.headerError = error;
		}

		long deliveryTag() {
			return this.deliveryTag;
		}

		boolean redelivered() {
			return this.redelivered;
		}

		byte[] body() {
			return this.body;
		}

		@Nullable EventMetadata metadata() {
			return this.metadata;
		}

		@Nullable String headerError() {
			return this.headerError;
		}

		long sequence() {
			return (this.metadata != null) ? this.metadata.sequence() : Long.MAX_VALUE;
		}

		String describe() {
			EventMetadata metadata = this.metadata;
			return (metadata != null) ? metadata.aggregateType() + "-" + metadata.aggregateId() + " #"
					+ metadata.sequence() + " " + metadata.eventType() : "(not an event)";
		}

	}

}
