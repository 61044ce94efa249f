package io.eventsource.benchmarks;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.jspecify.annotations.Nullable;

/**
 * The consuming half of the end-to-end baseline: the bare RabbitMQ Java client on a
 * connection and channel of its own, one consumer on every queue of a run, manual
 * acknowledgement of each message as it arrives, with the listener's prefetch.
 */
class BareConsumer implements AutoCloseable {

	private final Connection connection;

	private final int prefetch;

	private final Object monitor = new Object();

	private @Nullable Channel channel;

	private long acked;

	BareConsumer(BareConnections connections, int prefetch) throws IOException, TimeoutException {
		this.connection = connections.open("eventsource-benchmarks-bare-consumer");
		this.prefetch = prefetch;
	}

	/**
	 * Starts consuming queues on a new channel and counts from zero.
	 * @param queues the queues
	 * @throws IOException if the broker refuses
	 */
	void start(List<String> queues) throws IOException {
		synchronized (this.monitor) {
			this.acked = 0;
		}
		Channel channel = this.connection.createChannel();
		if (channel == null) {
			throw new IOException("The broker has no channel left");
		}
		channel.basicQos(this.prefetch);
		DefaultConsumer consumer = new DefaultConsumer(channel) {

			@Override
			public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
					byte[] body) throws IOException {
				getChannel().basicAck(envelope.getDeliveryTag(), false);
				synchronized (BareConsumer.this.monitor) {
					BareConsumer.this.acked++;
					BareConsumer.this.monitor.notifyAll();
				}
			}

		};
		for (String queue : queues) {
			channel.basicConsume(queue, false, consumer);
		}
		this.channel = channel;
	}

	/**
	 * Waits until a number of messages were acknowledged since the start.
	 * @param messages the messages
	 * @param deadlineNanos the {@link System#nanoTime()} past which to give up
	 * @throws InterruptedException if interrupted while waiting
	 * @throws IllegalStateException if fewer were acknowledged at the deadline
	 */
	void await(long messages, long deadlineNanos) throws InterruptedException {
		synchronized (this.monitor) {
			while (this.acked < messages) {
				long left = deadlineNanos - System.nanoTime();
				if (left <= 0) {
					throw new IllegalStateException("The bare consumer acknowledged only " + this.acked + " of "
							+ messages + " messages at the end of the run timeout (bench.run-timeout)");
				}
				this.monitor.wait(Math.max(1, left / 1_000_000));
			}
		}
	}

	/**
	 * Stops consuming: closes the channel.
	 * @throws IOException if the broker cannot be reached
	 */
	void stop() throws IOException {
		Channel channel = this.channel;
		this.channel = null;
		if (channel != null && channel.isOpen()) {
			try {
				channel.close();
			}
			catch (TimeoutException ex) {
				throw new IOException("The broker did not close the channel in time", ex);
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.connection.close();
	}

}
