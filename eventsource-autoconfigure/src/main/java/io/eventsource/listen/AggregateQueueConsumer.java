package io.eventsource.listen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.envelope.CloudEventsAmqpBinding;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.InvalidEventHeadersException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Consumes one per-aggregate queue {@code {Type}-{id}-{service}} on a channel of its own
 * and applies its events one at a time, in order, on a worker of the shared pool. An
 * event that arrives ahead of a missing predecessor waits, unacknowledged, while the
 * following deliveries are tried (the relay sends an event again after a predecessor it
 * could not confirm); a failed event is retried after a delay and holds back the ones
 * behind it. A message is acknowledged to the broker only once every projection is done
 * with it.
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
				received(new Delivery(envelope.getDeliveryTag(), properties, body));
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
	 * Cancels the consumer, lets the event in progress finish, and closes the channel;
	 * unacknowledged deliveries go back to the queue.
	 */
	void stop(Duration timeout) {
		this.cancelled = true;
		try {
			if (this.consumerTag != null && this.channel.isOpen()) {
				this.channel.basicCancel(this.consumerTag);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the channel is gone: the broker gives the deliveries back
		}
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
			this.inbound.clear();
			this.waiting.clear();
		}
		try {
			if (this.channel.isOpen()) {
				this.channel.close();
			}
		}
		catch (IOException | java.util.concurrent.TimeoutException | RuntimeException ex) {
			// closing a broken channel
		}
	}

	private void received(Delivery delivery) {
		this.lastActivity = System.nanoTime();
		synchronized (this.monitor) {
			this.inbound.addLast(delivery);
			if (this.draining || this.retryScheduled) {
				return;
			}
			this.draining = true;
		}
		this.workers.execute(this::drain);
	}

	private void drain() {
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
					return;
				}
			}
			DispatchOutcome outcome = dispatch(next);
			this.lastActivity = System.nanoTime();
			if (outcome.isDone()) {
				ack(next);
				retryWaiting();
			}
			else if (outcome == DispatchOutcome.GAP) {
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
				return;
			}
		}
	}

	private void retryWaiting() {
		boolean progress = true;
		while (progress) {
			progress = false;
			List<Delivery> snapshot;
			synchronized (this.monitor) {
				snapshot = new ArrayList<>(this.waiting);
			}
			snapshot.sort(Comparator.comparingLong(Delivery::sequence));
			for (Delivery delivery : snapshot) {
				DispatchOutcome outcome = dispatch(delivery);
				if (outcome.isDone()) {
					synchronized (this.monitor) {
						this.waiting.remove(delivery);
					}
					ack(delivery);
					progress = true;
				}
			}
		}
	}

	private void scheduleRetry() {
		this.retryScheduled = true;
		this.scheduler.schedule(() -> {
			synchronized (this.monitor) {
				this.retryScheduled = false;
				if (this.cancelled || this.draining) {
					return;
				}
				this.draining = true;
				Iterator<Delivery> waiting = this.waiting.iterator();
				List<Delivery> retry = new ArrayList<>();
				while (waiting.hasNext()) {
					retry.add(waiting.next());
					waiting.remove();
				}
				retry.sort(Comparator.comparingLong(Delivery::sequence));
				for (int i = retry.size() - 1; i >= 0; i--) {
					this.inbound.addFirst(retry.get(i));
				}
			}
			this.workers.execute(this::drain);
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
		catch (RuntimeException ex) {
			logger.warn("Dispatching " + metadata.eventId() + " failed", ex);
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

	/**
	 * One delivery, with its metadata read once.
	 */
	static final class Delivery {

		private final long deliveryTag;

		private final byte[] body;

		private final @Nullable EventMetadata metadata;

		private final @Nullable String headerError;

		Delivery(long deliveryTag, AMQP.BasicProperties properties, byte[] body) {
			this.deliveryTag = deliveryTag;
			this.body = body;
			EventMetadata metadata = null;
			String error = null;
			try {
				metadata = CloudEventsAmqpBinding
					.fromHeaders((properties.getHeaders() != null) ? properties.getHeaders() : java.util.Map.of());
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

	}

}
