package io.eventsource.topology;

import java.io.IOException;

import com.rabbitmq.client.Channel;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Opens channels of the plain RabbitMQ client on the connection of a Spring AMQP
 * connection factory, outside its channel cache: the relay owns them and closes them.
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

}
