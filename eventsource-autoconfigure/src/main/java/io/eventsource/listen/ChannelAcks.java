package io.eventsource.listen;

import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The acknowledgements of one consumer's channel. A delivery done with is not
 * acknowledged at once: after a batch, {@link #flush()} acknowledges with one
 * {@code multiple} ack the longest run of deliveries, from the oldest unsettled one on,
 * that are all done, so that a transaction of fifty events costs the broker one ack, not
 * fifty.
 * <p>
 * A delivery still open (in another batch, waiting for a predecessor, or retried after a
 * failure) stops the run: a multiple ack would settle it too. The done deliveries behind
 * it are held for a short while ({@link #HOLD}) and then acknowledged one by one, so that
 * a delivery retried for minutes never keeps the prefetch full of finished ones. A
 * delivery given back to the queue is rejected at once and on its own.
 * <p>
 * Every call that sends an ack or a reject holds this object's lock while it sends, so
 * the broker sees them in the order they were decided: a multiple ack never overtakes a
 * reject of a delivery below it (the broker would close the channel on the second of
 * them).
 */
final class ChannelAcks {

	/** How long done deliveries wait behind an open one before they are acked alone. */
	static final Duration HOLD = Duration.ofMillis(50);

	private static final Log logger = LogFactory.getLog(ChannelAcks.class);

	private final Channel channel;

	private final String queue;

	private final ScheduledExecutorService scheduler;

	private final Duration hold;

	/** Delivery tag to whether it is done; the deliveries not settled on the broker. */
	private final TreeMap<Long, Boolean> unsettled = new TreeMap<>();

	private boolean releaseScheduled;

	/**
	 * Creates the acknowledgements of a channel.
	 * @param channel the channel the deliveries came on
	 * @param queue the queue consumed, for the log
	 * @param scheduler releases the deliveries held too long
	 */
	ChannelAcks(Channel channel, String queue, ScheduledExecutorService scheduler) {
		this(channel, queue, scheduler, HOLD);
	}

	/**
	 * Creates the acknowledgements of a channel.
	 * @param channel the channel the deliveries came on
	 * @param queue the queue consumed, for the log
	 * @param scheduler releases the deliveries held too long
	 * @param hold how long done deliveries wait behind an open one
	 */
	ChannelAcks(Channel channel, String queue, ScheduledExecutorService scheduler, Duration hold) {
		this.channel = channel;
		this.queue = queue;
		this.scheduler = scheduler;
		this.hold = hold;
	}

	/**
	 * Registers a delivery as it arrives; the consumer calls this before it hands the
	 * delivery on, in delivery order.
	 * @param deliveryTag the delivery's tag
	 */
	synchronized void received(long deliveryTag) {
		this.unsettled.put(deliveryTag, Boolean.FALSE);
	}

	/**
	 * Marks a delivery done with; it is acknowledged by the next {@link #flush()}.
	 * @param deliveryTag the delivery's tag
	 */
	synchronized void done(long deliveryTag) {
		this.unsettled.replace(deliveryTag, Boolean.TRUE);
	}

	/**
	 * Acknowledges, with one multiple ack, the deliveries done from the oldest unsettled
	 * one up to the first still open; schedules the release of those done behind it.
	 */
	synchronized void flush() {
		flushPrefix();
		if (!this.releaseScheduled && this.unsettled.containsValue(Boolean.TRUE)) {
			this.releaseScheduled = true;
			try {
				this.scheduler.schedule(this::release, this.hold.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// the container stops
				release();
			}
		}
	}

	/**
	 * Gives a delivery back to the queue at once.
	 * @param deliveryTag the delivery's tag
	 */
	synchronized void requeue(long deliveryTag) {
		if (this.unsettled.remove(deliveryTag) == null) {
			return;
		}
		try {
			if (this.channel.isOpen()) {
				this.channel.basicNack(deliveryTag, false, true);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the channel is gone: the broker gives it back anyway
		}
	}

	/**
	 * Acknowledges every delivery done, one by one where one still open is before it;
	 * called before the channel closes.
	 */
	synchronized void release() {
		this.releaseScheduled = false;
		flushPrefix();
		Iterator<Map.Entry<Long, Boolean>> entries = this.unsettled.entrySet().iterator();
		while (entries.hasNext()) {
			Map.Entry<Long, Boolean> entry = entries.next();
			if (entry.getValue()) {
				// read before the removal: TreeMap may reuse the entry for its successor
				long deliveryTag = entry.getKey();
				entries.remove();
				send(deliveryTag, false);
			}
		}
	}

	/**
	 * Returns how many deliveries are not settled on the broker yet.
	 * @return the count, open and done
	 */
	synchronized int unsettled() {
		return this.unsettled.size();
	}

	private void flushPrefix() {
		long last = -1;
		Iterator<Map.Entry<Long, Boolean>> entries = this.unsettled.entrySet().iterator();
		while (entries.hasNext()) {
			Map.Entry<Long, Boolean> entry = entries.next();
			if (!entry.getValue()) {
				break;
			}
			last = entry.getKey();
			entries.remove();
		}
		if (last >= 0) {
			send(last, true);
		}
	}

	private void send(long deliveryTag, boolean multiple) {
		try {
			this.channel.basicAck(deliveryTag, multiple);
		}
		catch (IOException | RuntimeException ex) {
			// the broker delivers them again; the inbox then finds them applied
			logger.debug("Could not acknowledge deliveries on " + this.queue, ex);
		}
	}

}
