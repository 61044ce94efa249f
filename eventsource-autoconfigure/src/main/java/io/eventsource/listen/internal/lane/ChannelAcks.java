package io.eventsource.listen.internal.lane;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * A delivery still open stops the run, since a multiple ack would settle it too. When it
 * is only in a batch or about to be (the usual case: batches of other aggregates of the
 * same partition), the done deliveries behind it wait for that batch's flush. When its
 * lane keeps it for longer ({@link #stalled(long) stalled}: waiting for a predecessor or
 * for a retry), the done deliveries behind it are acknowledged one by one at once, so
 * that a delivery retried for minutes never keeps the prefetch full of finished ones;
 * done deliveries still held after {@link #HOLD} are acknowledged one by one too. A
 * delivery given back to the queue is rejected at once and on its own.
 * <p>
 * Every call that sends an ack or a reject holds this object's lock while it sends, so
 * the broker sees them in the order they were decided: a multiple ack never overtakes a
 * reject of a delivery below it (the broker would close the channel on the second of
 * them).
 */
public final class ChannelAcks {

	/** The longest that done deliveries wait behind an open one before each is acked. */
	static final Duration HOLD = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(ChannelAcks.class);

	private final Channel channel;

	private final String queue;

	private final ScheduledExecutorService scheduler;

	private final Duration hold;

	/** The deliveries not settled on the broker, by delivery tag. */
	private final TreeMap<Long, State> unsettled = new TreeMap<>();

	private boolean releaseScheduled;

	/**
	 * Creates the acknowledgements of a channel.
	 * @param channel the channel the deliveries came on
	 * @param queue the queue consumed, for the log
	 * @param scheduler releases the deliveries held too long
	 */
	public ChannelAcks(Channel channel, String queue, ScheduledExecutorService scheduler) {
		this(channel, queue, scheduler, HOLD);
	}

	/**
	 * Creates the acknowledgements of a channel.
	 * @param channel the channel the deliveries came on
	 * @param queue the queue consumed, for the log
	 * @param scheduler releases the deliveries held too long
	 * @param hold the longest that done deliveries wait behind an open one
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
	public synchronized void received(long deliveryTag) {
		this.unsettled.put(deliveryTag, State.OPEN);
	}

	/**
	 * Marks a delivery done with; it is acknowledged by the next {@link #flush()}.
	 * @param deliveryTag the delivery's tag
	 */
	synchronized void done(long deliveryTag) {
		this.unsettled.replace(deliveryTag, State.DONE);
	}

	/**
	 * Marks a delivery its lane keeps beyond the batch it was in (waiting for a
	 * predecessor or for a retry): it no longer holds back the done deliveries behind it.
	 * @param deliveryTag the delivery's tag
	 */
	synchronized void stalled(long deliveryTag) {
		this.unsettled.replace(deliveryTag, State.OPEN, State.STALLED);
	}

	/**
	 * Acknowledges, with one multiple ack, the deliveries done from the oldest unsettled
	 * one up to the first still open, then one by one those done behind stalled ones
	 * only; schedules the release of those left behind an open one.
	 */
	synchronized void flush() {
		settle(false);
		if (!this.releaseScheduled && this.unsettled.containsValue(State.DONE)) {
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
	 * called after the hold and before the channel closes.
	 */
	public synchronized void release() {
		this.releaseScheduled = false;
		settle(true);
	}

	/**
	 * Returns how many deliveries are not settled on the broker yet.
	 * @return the count, open and done
	 */
	synchronized int unsettled() {
		return this.unsettled.size();
	}

	private void settle(boolean all) {
		long multipleUpTo = -1;
		List<Long> single = new ArrayList<>();
		boolean prefix = true;
		Iterator<Map.Entry<Long, State>> entries = this.unsettled.entrySet().iterator();
		while (entries.hasNext()) {
			Map.Entry<Long, State> entry = entries.next();
			// read before a removal: TreeMap may reuse the entry for its successor
			long deliveryTag = entry.getKey();
			State state = entry.getValue();
			if (state == State.DONE) {
				if (prefix) {
					multipleUpTo = deliveryTag;
				}
				else {
					single.add(deliveryTag);
				}
				entries.remove();
			}
			else {
				prefix = false;
				if (state == State.OPEN && !all) {
					break;
				}
			}
		}
		if (multipleUpTo >= 0) {
			send(multipleUpTo, true);
		}
		single.forEach((deliveryTag) -> send(deliveryTag, false));
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

	private enum State {

		/** Received, in a lane or a batch. */
		OPEN,

		/** Kept by its lane beyond a batch. */
		STALLED,

		/** Done with, to be acknowledged. */
		DONE

	}

}
