package io.eventsource.benchmarks;

import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;

/**
 * Asynchronous publisher confirms with a bounded window, as the RabbitMQ tutorial on
 * publisher confirms recommends for throughput: the publisher goes on publishing while
 * confirms arrive, and blocks only when {@code size} messages are unconfirmed.
 */
final class ConfirmWindow implements ConfirmListener {

	private final Channel channel;

	private final long timeoutMillis;

	private final Semaphore permits;

	private final NavigableMap<Long, Boolean> outstanding = new ConcurrentSkipListMap<>();

	ConfirmWindow(Channel channel, int size, long timeoutMillis) {
		this.channel = channel;
		this.timeoutMillis = timeoutMillis;
		this.permits = new Semaphore(size);
		channel.addConfirmListener(this);
	}

	/**
	 * Waits for room in the window and registers the next publish.
	 * @throws InterruptedException if interrupted
	 * @throws TimeoutException if no confirm came in time
	 */
	void acquire() throws InterruptedException, TimeoutException {
		if (!this.permits.tryAcquire(this.timeoutMillis, TimeUnit.MILLISECONDS)) {
			throw new TimeoutException("No publisher confirm within " + this.timeoutMillis + " ms");
		}
		this.outstanding.put(this.channel.getNextPublishSeqNo(), Boolean.TRUE);
	}

	@Override
	public void handleAck(long deliveryTag, boolean multiple) {
		settle(deliveryTag, multiple);
	}

	@Override
	public void handleNack(long deliveryTag, boolean multiple) {
		// the channel's own confirm tracking reports nacks from waitForConfirmsOrDie
		settle(deliveryTag, multiple);
	}

	private void settle(long deliveryTag, boolean multiple) {
		if (multiple) {
			NavigableMap<Long, Boolean> settled = this.outstanding.headMap(deliveryTag, true);
			int count = settled.size();
			settled.clear();
			this.permits.release(count);
		}
		else if (this.outstanding.remove(deliveryTag) != null) {
			this.permits.release();
		}
	}

}
