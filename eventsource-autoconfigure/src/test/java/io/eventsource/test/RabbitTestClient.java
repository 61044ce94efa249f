package io.eventsource.test;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import static org.awaitility.Awaitility.await;

/**
 * The plain RabbitMQ Java client and the management HTTP API, for tests to read and clean
 * up what eventsource declared without going through eventsource's own code.
 */
public final class RabbitTestClient implements AutoCloseable {

	private final Connection connection;

	private final RabbitManagement management = new RabbitManagement(TestServices.rabbitManagementUrl());

	private Channel getChannel;

	private final List<String> declaredQueues = new ArrayList<>();

	public RabbitTestClient() {
		ConnectionFactory factory = new ConnectionFactory();
		TestServices.Endpoint rabbit = TestServices.rabbit();
		factory.setHost(rabbit.host());
		factory.setPort(rabbit.port());
		factory.setUsername("guest");
		factory.setPassword("guest");
		try {
			this.connection = factory.newConnection("eventsource-tests");
		}
		catch (IOException | TimeoutException ex) {
			throw new IllegalStateException("Cannot connect to RabbitMQ", ex);
		}
	}

	/**
	 * Takes one message from a queue without waiting.
	 * @param queue the queue
	 * @return the message, or {@code null} when the queue is empty or missing
	 */
	public GetResponse get(String queue) {
		try {
			return getChannel().basicGet(queue, true);
		}
		catch (IOException | com.rabbitmq.client.ShutdownSignalException ex) {
			return null;
		}
	}

	private Channel getChannel() throws IOException {
		if (this.getChannel == null || !this.getChannel.isOpen()) {
			this.getChannel = this.connection.createChannel();
		}
		return this.getChannel;
	}

	/**
	 * Takes messages from a queue until it has the expected count, waiting up to a
	 * timeout.
	 * @param queue the queue
	 * @param count how many messages to take
	 * @param timeout the longest wait
	 * @return the messages in queue order
	 */
	public List<GetResponse> take(String queue, int count, Duration timeout) {
		List<GetResponse> messages = new ArrayList<>();
		await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
			GetResponse response;
			while (messages.size() < count && (response = get(queue)) != null) {
				messages.add(response);
			}
			return messages.size() >= count;
		});
		return messages;
	}

	/**
	 * Returns whether a queue exists.
	 * @param queue the queue
	 * @return {@code true} when it does
	 */
	public boolean queueExists(String queue) {
		try (Channel channel = this.connection.createChannel()) {
			channel.queueDeclarePassive(queue);
			return true;
		}
		catch (IOException | TimeoutException | com.rabbitmq.client.ShutdownSignalException ex) {
			return false;
		}
	}

	/**
	 * Returns how many messages are ready in a queue.
	 * @param queue the queue
	 * @return the count, {@code -1} when the queue does not exist
	 */
	public int messageCount(String queue) {
		try (Channel channel = this.connection.createChannel()) {
			return channel.queueDeclarePassive(queue).getMessageCount();
		}
		catch (IOException | TimeoutException | com.rabbitmq.client.ShutdownSignalException ex) {
			return -1;
		}
	}

	/**
	 * Returns whether an exchange exists.
	 * @param exchange the exchange
	 * @return {@code true} when it does
	 */
	public boolean exchangeExists(String exchange) {
		try (Channel channel = this.connection.createChannel()) {
			channel.exchangeDeclarePassive(exchange);
			return true;
		}
		catch (IOException | TimeoutException | com.rabbitmq.client.ShutdownSignalException ex) {
			return false;
		}
	}

	/**
	 * Runs an action on a channel of the plain client.
	 * @param action the action
	 */
	public void withChannel(ChannelAction action) {
		try (Channel channel = this.connection.createChannel()) {
			action.run(channel);
		}
		catch (IOException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Declares a plain queue for a test (not durable, not exclusive, not auto-deleted),
	 * which this client deletes when it closes.
	 * @param queue the queue
	 */
	public void declareQueue(String queue) {
		withChannel((channel) -> channel.queueDeclare(queue, false, false, false, null));
		this.declaredQueues.add(queue);
	}

	public void deleteQueue(String queue) {
		try (Channel channel = this.connection.createChannel()) {
			channel.queueDelete(queue);
		}
		catch (IOException | TimeoutException | com.rabbitmq.client.ShutdownSignalException ex) {
			// already gone
		}
	}

	public void deleteExchange(String exchange) {
		try (Channel channel = this.connection.createChannel()) {
			channel.exchangeDelete(exchange);
		}
		catch (IOException | TimeoutException | com.rabbitmq.client.ShutdownSignalException ex) {
			// already gone
		}
	}

	/**
	 * Calls the management HTTP API.
	 * @param method the HTTP method
	 * @param path the path after {@code /api}, already encoded
	 * @param json the body, or {@code null}
	 * @return the response body
	 */
	public String management(String method, String path, String json) {
		return this.management.call(method, path, json);
	}

	/**
	 * Returns whether the management API lists a queue (its figures lag the broker by a
	 * few seconds).
	 * @param queue the queue
	 * @return {@code true} when it answers for the queue, {@code false} on 404
	 */
	public boolean managementKnowsQueue(String queue) {
		try {
			management("GET", "/queues/%2F/" + encode(queue), null);
			return true;
		}
		catch (IllegalStateException ex) {
			if (ex.getMessage() != null && ex.getMessage().contains("answered 404")) {
				return false;
			}
			throw ex;
		}
	}

	/**
	 * Encodes one path segment of the management API (a vhost or a name).
	 * @param segment the segment
	 * @return the encoded segment
	 */
	public static String encode(String segment) {
		return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/**
	 * Deletes the queues declared with {@link #declareQueue(String)} and closes the
	 * connection.
	 */
	@Override
	public void close() {
		this.declaredQueues.forEach(this::deleteQueue);
		try {
			this.connection.close();
		}
		catch (IOException | com.rabbitmq.client.ShutdownSignalException ex) {
			// closing
		}
	}

	@FunctionalInterface
	public interface ChannelAction {

		void run(Channel channel) throws IOException;

	}

}
