package io.eventsource.benchmarks;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The relay of the {@link ReferencePipeline}, on a thread of its own: reads the unrelayed
 * rows in id order, 500 at a time, publishes them to one durable queue, waits for the
 * confirms, marks them relayed, until a read finds nothing; then waits to be woken.
 */
final class ReferenceRelay implements Runnable {

	private static final Log logger = LogFactory.getLog(ReferenceRelay.class);

	private static final int PAGE = 500;

	private final Channel channel;

	private final Connection connection;

	private final String outbox;

	private final String queue;

	private final Duration confirmTimeout;

	private final Object signal = new Object();

	private boolean signalled;

	private volatile boolean running = true;

	/**
	 * Creates a relay.
	 * @param channel its channel, put in confirm mode when it starts
	 * @param connection its database connection, in auto-commit
	 * @param outbox the outbox table
	 * @param queue the queue it publishes to
	 * @param confirmTimeout the longest wait for a page's confirms
	 */
	ReferenceRelay(Channel channel, Connection connection, String outbox, String queue, Duration confirmTimeout) {
		this.channel = channel;
		this.connection = connection;
		this.outbox = outbox;
		this.queue = queue;
		this.confirmTimeout = confirmTimeout;
	}

	@Override
	public void run() {
		try (PreparedStatement select = this.connection.prepareStatement(
				"SELECT id, payload FROM " + this.outbox + " WHERE NOT relayed ORDER BY id LIMIT " + PAGE);
				PreparedStatement mark = this.connection
					.prepareStatement("UPDATE " + this.outbox + " SET relayed = TRUE WHERE id = ANY (?)")) {
			this.channel.confirmSelect();
			while (this.running) {
				awaitWakeUp();
				while (this.running && relayPage(select, mark)) {
					// until a read finds nothing
				}
			}
		}
		catch (Exception ex) {
			logger.error("The reference relay failed", ex);
		}
	}

	/**
	 * Wakes the relay after a commit.
	 */
	void wakeUp() {
		synchronized (this.signal) {
			this.signalled = true;
			this.signal.notifyAll();
		}
	}

	/**
	 * Stops the relay after the page in progress.
	 */
	void stop() {
		this.running = false;
		wakeUp();
	}

	private boolean relayPage(PreparedStatement select, PreparedStatement mark) throws Exception {
		List<Long> ids = new ArrayList<>();
		try (ResultSet rows = select.executeQuery()) {
			while (rows.next()) {
				long id = rows.getLong(1);
				AMQP.BasicProperties properties = MessageProperties.PERSISTENT_BASIC.builder()
					.messageId(Long.toString(id))
					.build();
				this.channel.basicPublish("", this.queue, properties, rows.getBytes(2));
				ids.add(id);
			}
		}
		if (ids.isEmpty()) {
			return false;
		}
		this.channel.waitForConfirmsOrDie(this.confirmTimeout.toMillis());
		Array array = this.connection.createArrayOf("bigint", ids.toArray());
		mark.setArray(1, array);
		mark.executeUpdate();
		return true;
	}

	private void awaitWakeUp() throws InterruptedException {
		synchronized (this.signal) {
			if (!this.signalled) {
				this.signal.wait(100);
			}
			this.signalled = false;
		}
	}

}
