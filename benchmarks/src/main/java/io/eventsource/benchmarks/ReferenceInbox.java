package io.eventsource.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The consumer of the {@link ReferencePipeline}: takes the deliveries of its queue on a
 * thread of its own, as many as have arrived up to a batch size, and in one transaction
 * inserts each one's inbox row (the duplicate check) and, when that row is new, the
 * handler's row; commits, then acknowledges the batch with one multiple ack. With a batch
 * size of 1 that is one transaction per message.
 */
final class ReferenceInbox {

	private static final Log logger = LogFactory.getLog(ReferenceInbox.class);

	private final Channel channel;

	private final Connection connection;

	private final String inbox;

	private final String effects;

	private final int maxBatch;

	private final Handled handled;

	private final BlockingQueue<Delivered> deliveries = new LinkedBlockingQueue<>();

	private final Thread worker;

	private volatile boolean running = true;

	private volatile @Nullable Exception failure;

	/**
	 * Creates a consumer.
	 * @param channel its channel
	 * @param connection its database connection, taken out of auto-commit
	 * @param inbox the inbox table
	 * @param effects the handler's table
	 * @param maxBatch the most messages in one transaction
	 * @param handled told of each message once its transaction committed
	 */
	ReferenceInbox(Channel channel, Connection connection, String inbox, String effects, int maxBatch,
			Handled handled) {
		this.channel = channel;
		this.connection = connection;
		this.inbox = inbox;
		this.effects = effects;
		this.maxBatch = maxBatch;
		this.handled = handled;
		this.worker = new Thread(this::run, "reference-inbox");
		this.worker.setDaemon(true);
	}

	/**
	 * Starts consuming a queue.
	 * @param queue the queue
	 * @param prefetch the consumer's prefetch
	 * @throws IOException if the broker refuses
	 * @throws SQLException if the connection cannot leave auto-commit
	 */
	void start(String queue, int prefetch) throws IOException, SQLException {
		this.connection.setAutoCommit(false);
		this.worker.start();
		this.channel.basicQos(prefetch);
		this.channel.basicConsume(queue, false, new DefaultConsumer(this.channel) {

			@Override
			public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
					byte[] body) {
				ReferenceInbox.this.deliveries.add(new Delivered(envelope.getDeliveryTag(),
						Long.parseLong(properties.getMessageId()), body.length));
			}

		});
	}

	/**
	 * Stops the worker after the batch in progress.
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	void stop() throws InterruptedException {
		this.running = false;
		this.worker.join(TimeUnit.SECONDS.toMillis(30));
	}

	/**
	 * Returns why the worker stopped early.
	 * @return the failure, or {@code null}
	 */
	@Nullable Exception failure() {
		return this.failure;
	}

	private void run() {
		try (PreparedStatement dedup = this.connection.prepareStatement(
				"INSERT INTO " + this.inbox + " (message_id) VALUES (?) ON CONFLICT (message_id) DO NOTHING");
				PreparedStatement effect = this.connection
					.prepareStatement("INSERT INTO " + this.effects + " (message_id, payload_size) VALUES (?, ?)")) {
			List<Delivered> batch = new ArrayList<>(this.maxBatch);
			while (this.running) {
				Delivered first = this.deliveries.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.clear();
				batch.add(first);
				this.deliveries.drainTo(batch, this.maxBatch - 1);
				apply(batch, dedup, effect);
			}
		}
		catch (Exception ex) {
			this.failure = ex;
			logger.error("The reference inbox failed", ex);
		}
	}

	private void apply(List<Delivered> batch, PreparedStatement dedup, PreparedStatement effect)
			throws SQLException, IOException {
		for (Delivered delivered : batch) {
			dedup.setLong(1, delivered.id());
			dedup.addBatch();
		}
		int[] inserted = dedup.executeBatch();
		boolean any = false;
		for (int i = 0; i < batch.size(); i++) {
			if (inserted[i] == 1) {
				effect.setLong(1, batch.get(i).id());
				effect.setInt(2, batch.get(i).size());
				effect.addBatch();
				any = true;
			}
		}
		if (any) {
			effect.executeBatch();
		}
		this.connection.commit();
		long now = System.nanoTime();
		for (Delivered delivered : batch) {
			this.handled.handled(delivered.id(), now);
		}
		this.channel.basicAck(batch.get(batch.size() - 1).tag(), true);
	}

	/**
	 * Told of each message once its inbox transaction committed.
	 */
	@FunctionalInterface
	interface Handled {

		/**
		 * A message was handled.
		 * @param id its outbox row id
		 * @param nanos when its transaction committed, {@link System#nanoTime()}
		 */
		void handled(long id, long nanos);

	}

	private record Delivered(long tag, long id, int size) {
	}

}
