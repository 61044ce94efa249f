package io.eventsource.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

/**
 * The baseline: the bare RabbitMQ Java client on one thread and one channel in confirm
 * mode, as the relay has. It publishes persistent messages with the same JSON payload and
 * {@code mandatory}, with asynchronous confirms in a bounded {@link ConfirmWindow}, and
 * waits for the last confirm.
 */
class BareClient implements AutoCloseable {

	private static final int PERSISTENT = 2;

	private final Connection connection;

	private final Channel channel;

	private final BenchTopology topology;

	private final byte[] body;

	private final long confirmTimeoutMillis;

	private final ConfirmWindow window;

	private final AMQP.BasicProperties eventProperties = new AMQP.BasicProperties.Builder()
		.contentType("application/json")
		.deliveryMode(PERSISTENT)
		.build();

	private final AMQP.BasicProperties announcementProperties = new AMQP.BasicProperties.Builder()
		.deliveryMode(PERSISTENT)
		.build();

	BareClient(BareConnections connections, BenchTopology topology, byte[] body, int confirmWindow,
			Duration confirmTimeout) throws IOException, TimeoutException {
		this.connection = connections.open("eventsource-benchmarks-bare-client");
		this.channel = this.connection.createChannel();
		this.channel.confirmSelect();
		this.topology = topology;
		this.body = body.clone();
		this.confirmTimeoutMillis = confirmTimeout.toMillis();
		this.window = new ConfirmWindow(this.channel, confirmWindow, this.confirmTimeoutMillis);
	}

	/**
	 * Publishes messages round robin to existing exchanges, with {@code mandatory} and
	 * confirms.
	 * @param exchanges the exchanges
	 * @param count how many messages
	 * @return the time until the last confirm
	 * @throws IOException if the channel fails
	 * @throws InterruptedException if interrupted while waiting for confirms
	 * @throws TimeoutException if confirms do not come in time
	 */
	Measurement publish(List<String> exchanges, int count) throws IOException, InterruptedException, TimeoutException {
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			this.window.acquire();
			this.channel.basicPublish(exchanges.get(i % exchanges.size()), "", true, this.eventProperties, this.body);
		}
		this.channel.waitForConfirmsOrDie(this.confirmTimeoutMillis);
		long nanos = System.nanoTime() - start;
		return new Measurement(count, nanos, nanos);
	}

	/**
	 * Does for each new aggregate what the relay does: declares its exchange and the
	 * sink's queue (synchronously), binds them, publishes one message with
	 * {@code mandatory}, and announces the aggregate id; confirms as in
	 * {@link #publish(List, int)}.
	 * @param aggregateType the aggregate type, whose announcements exchange exists
	 * @param aggregateIds the new aggregate ids
	 * @return the time until the last confirm, counting aggregates
	 * @throws IOException if the channel fails
	 * @throws InterruptedException if interrupted while waiting for confirms
	 * @throws TimeoutException if confirms do not come in time
	 */
	Measurement createAggregates(String aggregateType, List<String> aggregateIds)
			throws IOException, InterruptedException, TimeoutException {
		String announcements = this.topology.announcements(aggregateType);
		long start = System.nanoTime();
		for (String aggregateId : aggregateIds) {
			String exchange = this.topology.exchange(aggregateType, aggregateId);
			String queue = this.topology.queue(aggregateType, aggregateId);
			this.channel.exchangeDeclare(exchange, "fanout", true, true, null);
			this.channel.queueDeclare(queue, true, false, false, this.topology.queueArguments());
			this.channel.queueBind(queue, exchange, "");
			this.window.acquire();
			this.channel.basicPublish(exchange, "", true, this.eventProperties, this.body);
			this.window.acquire();
			this.channel.basicPublish(announcements, "", false, this.announcementProperties,
					aggregateId.getBytes(StandardCharsets.UTF_8));
		}
		this.channel.waitForConfirmsOrDie(this.confirmTimeoutMillis);
		long nanos = System.nanoTime() - start;
		return new Measurement(aggregateIds.size(), nanos, nanos);
	}

	@Override
	public void close() throws IOException {
		this.connection.close();
	}

}
