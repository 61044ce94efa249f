package io.eventsource.listen.internal.catchup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.listen.internal.lane.ListenerSettings;
import io.eventsource.listen.internal.lane.ListenerWorkers;
import io.eventsource.listen.internal.lane.PartitionConsumer;
import io.eventsource.replay.internal.ReplayNames;
import io.eventsource.topology.PartitionedNames;
import io.eventsource.topology.internal.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Consumes this service's replay queue {@code eventsource.replayed.{service}}, into which
 * producers answer the requests of {@link GapRepair}: its events go, a lane per
 * aggregate, through the inbox like any delivery, so those already applied are
 * acknowledged as duplicates and the missing ones are applied in sequence order. Every
 * instance consumes the queue; the broker deletes it a minute after its last consumer.
 */
public class ReplayListener implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReplayListener.class);

	private final ConnectionFactory connectionFactory;

	private final EventHandlers handlers;

	private final EventDispatcher dispatcher;

	private final ListenerMetrics metrics;

	private final ListenerSettings settings;

	private final String queue;

	private @Nullable ListenerWorkers workers;

	private @Nullable PartitionConsumer consumer;

	private volatile boolean running;

	public ReplayListener(ConnectionFactory connectionFactory, EventHandlers handlers, EventDispatcher dispatcher,
			ListenerMetrics metrics, ListenerSettings settings) {
		this.connectionFactory = connectionFactory;
		this.handlers = handlers;
		this.dispatcher = dispatcher;
		this.metrics = metrics;
		this.settings = settings;
		this.queue = ReplayNames.replyQueue(settings.service());
	}

	@Override
	public void start() {
		if (this.running || this.handlers.aggregateTypes().isEmpty()) {
			return;
		}
		ListenerWorkers workers = ListenerWorkers.start(this.dispatcher, this.metrics, this.settings.maxBatch(), 2,
				"eventsource-replay");
		this.workers = workers;
		this.running = true;
		ensureConsuming();
		workers.timer().scheduleWithFixedDelay(this::maintain, 1, 1, TimeUnit.SECONDS);
	}

	@Override
	public void stop() {
		PartitionConsumer consumer;
		synchronized (this) {
			this.running = false;
			consumer = this.consumer;
		}
		if (consumer != null) {
			consumer.cancel();
			consumer.awaitAndClose(this.settings.shutdownTimeout());
		}
		if (this.workers != null) {
			this.workers.stop(this.settings.shutdownTimeout());
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Returns whether the replay queue is consumed.
	 * @return {@code true} when replayed events are received
	 */
	public boolean isConsuming() {
		PartitionConsumer consumer = this.consumer;
		return this.running && consumer != null && consumer.isOpen();
	}

	private void maintain() {
		ensureConsuming();
		PartitionConsumer consumer = this.consumer;
		if (consumer != null) {
			consumer.sweep();
		}
	}

	private synchronized void ensureConsuming() {
		if (!this.running || isConsuming()) {
			return;
		}
		PartitionConsumer previous = this.consumer;
		if (previous != null) {
			previous.cancel();
			previous.awaitAndClose(this.settings.shutdownTimeout());
		}
		Channel channel = null;
		try {
			channel = RawChannels.open(this.connectionFactory);
			channel.queueDeclare(this.queue, true, false, false, PartitionedNames.expiringQueueArguments());
			PartitionConsumer consumer = new PartitionConsumer(null, this.queue, channel, this.workers.applier(),
					this.workers.timer(), this.settings.retryDelay(), this.settings.retryBackoff());
			consumer.start(this.settings.prefetch());
			this.consumer = consumer;
		}
		catch (IOException | RuntimeException ex) {
			RawChannels.close(channel);
			logger.debug("Cannot consume " + this.queue + " yet", ex);
		}
	}

}
