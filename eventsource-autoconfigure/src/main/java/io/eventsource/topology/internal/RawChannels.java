package io.eventsource.topology.internal;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Opens channels of the plain RabbitMQ client on the connection of a Spring AMQP
 * connection factory, outside its channel cache, and closes them: whoever opens one owns
 * it.
 */
public final class RawChannels {

	private RawChannels() {
	}

	/**
	 * Opens a channel.
	 * @param connectionFactory the Spring AMQP connection factory
	 * @return a channel the caller owns and closes
	 * @throws IOException if no channel can be opened
	 */
	public static Channel open(ConnectionFactory connectionFactory) throws IOException {
		com.rabbitmq.client.Connection connection = connectionFactory.createConnection().getDelegate();
		if (connection == null) {
			throw new IOException("The connection factory gave no RabbitMQ connection");
		}
		Channel channel = connection.createChannel();
		if (channel == null) {
			throw new IOException("The RabbitMQ connection has no channel left");
		}
		return channel;
	}

	/**
	 * Closes a channel if it is open; a channel the broker or the connection already
	 * closed leaves nothing to do.
	 * @param channel the channel, or {@code null}
	 */
	public static void close(@Nullable Channel channel) {
		if (channel == null) {
			return;
		}
		try {
			if (channel.isOpen()) {
				channel.close();
			}
		}
		catch (IOException | TimeoutException | RuntimeException ex) {
			// a broken channel: nothing to keep
		}
	}

}
