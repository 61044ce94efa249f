package io.eventsource.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;

/**
 * Opens connections of the bare RabbitMQ Java client (no Spring AMQP) to the broker the
 * application is configured for ({@code spring.rabbitmq.*}).
 */
final class BareConnections {

	private final ConnectionFactory factory = new ConnectionFactory();

	BareConnections(RabbitConnectionDetails details) {
		RabbitConnectionDetails.Address address = details.getFirstAddress();
		this.factory.setHost(address.host());
		this.factory.setPort(address.port());
		this.factory.setUsername(details.getUsername());
		this.factory.setPassword(details.getPassword());
		String virtualHost = details.getVirtualHost();
		if (virtualHost != null) {
			this.factory.setVirtualHost(virtualHost);
		}
		this.factory.setAutomaticRecoveryEnabled(false);
	}

	/**
	 * Opens a connection.
	 * @param name the connection name the broker shows
	 * @return the connection
	 * @throws IOException if the broker cannot be reached
	 * @throws TimeoutException if the broker does not answer in time
	 */
	Connection open(String name) throws IOException, TimeoutException {
		return this.factory.newConnection(name);
	}

}
