package io.eventsource.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

/**
 * The services the sample needs on this machine: a test fails at once, naming the one
 * that does not answer and how to start it, rather than waiting for timeouts.
 */
public final class LocalServices {

	private LocalServices() {
	}

	/**
	 * Checks that RabbitMQ, Redis and PostgreSQL answer on their loopback ports.
	 * @throws IllegalStateException naming the first that does not
	 */
	public static void requireAnswering() {
		Map.of("RabbitMQ", 5672, "Redis", 6379, "PostgreSQL", 5432).forEach((name, port) -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			}
			catch (IOException ex) {
				throw new IllegalStateException(name + " does not answer on 127.0.0.1:" + port
						+ "; start the services with 'bash scripts/services.sh' or 'docker compose up -d'", ex);
			}
		});
	}

}
