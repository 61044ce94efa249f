package io.eventsource.benchmarks;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Declares, counts and deletes the benchmark's exchanges and queues on a connection of
 * its own, outside every measured interval. Opens a new connection or channel when the
 * last one was closed (a missing queue closes the channel; a broker restart closes the
 * connection).
 */
class BrokerAdmin implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(BrokerAdmin.class);

	private final BareConnections connections;

	private final BenchTopology topology;

	private @Nullable Connection connection;

	private @Nullable Channel channel;

	BrokerAdmin(BareConnections connections, BenchTopology topology) {
		this.connections = connections;
		this.topology = topology;
	}

	/**
	 * Returns the broker's version.
	 * @return the version
	 * @throws IOException if the broker cannot be reached
	 */
	String brokerVersion() throws IOException {
		return String.valueOf(connection().getServerProperties().get("version"));
	}

	/**
	 * Declares the per-aggregate exchange and queue of each aggregate, as the relay
	 * would.
	 * @param aggregateType the aggregate type
	 * @param aggregateIds the aggregate ids
	 * @throws IOException if the broker refuses
	 */
	void declareAggregates(String aggregateType, List<String> aggregateIds) throws IOException {
		declareAggregates(aggregateType, aggregateIds, this.topology.queueArguments());
	}

	/**
	 * Declares the per-aggregate exchange and queue of each aggregate, with the given
	 * queue arguments.
	 * @param aggregateType the aggregate type
	 * @param aggregateIds the aggregate ids
	 * @param queueArguments the arguments of the queues
	 * @throws IOException if the broker refuses
	 */
	void declareAggregates(String aggregateType, List<String> aggregateIds, Map<String, Object> queueArguments)
			throws IOException {
		Channel channel = channel();
		for (String aggregateId : aggregateIds) {
			String exchange = this.topology.exchange(aggregateType, aggregateId);
			String queue = this.topology.queue(aggregateType, aggregateId);
			channel.exchangeDeclare(exchange, "fanout", true, true, null);
			channel.queueDeclare(queue, true, false, false, queueArguments);
			channel.queueBind(queue, exchange, "");
		}
	}

	/**
	 * Declares the announcements exchange of an aggregate type and the sink's queue on
	 * it.
	 * @param aggregateType the aggregate type
	 * @throws IOException if the broker refuses
	 */
	void declareAnnouncements(String aggregateType) throws IOException {
		Channel channel = channel();
		String exchange = this.topology.announcements(aggregateType);
		String queue = this.topology.announcementQueue(aggregateType);
		channel.exchangeDeclare(exchange, "fanout", true, false, null);
		channel.queueDeclare(queue, true, false, false, null);
		channel.queueBind(queue, exchange, "");
	}

	/**
	 * Empties queues and counts what they held. A queue that no longer exists counts as
	 * empty.
	 * @param queues the queues
	 * @return the messages removed
	 * @throws IOException if the broker cannot be reached
	 */
	long purge(List<String> queues) throws IOException {
		long purged = 0;
		for (String queue : queues) {
			Channel channel = channel();
			try {
				purged += channel.queuePurge(queue).getMessageCount();
			}
			catch (IOException ex) {
				if (channel.isOpen()) {
					throw ex;
				}
				logger.debug("Queue " + queue + " is gone", ex);
			}
		}
		return purged;
	}

	/**
	 * Deletes queues, then exchanges, without waiting for each, and waits until the
	 * broker has done them all.
	 * @param queues the queues
	 * @param exchanges the exchanges
	 * @throws IOException if the broker cannot be reached or refuses
	 */
	void delete(List<String> queues, List<String> exchanges) throws IOException {
		Channel channel = channel();
		for (String queue : queues) {
			channel.queueDeleteNoWait(queue, false, false);
		}
		for (String exchange : exchanges) {
			channel.exchangeDeleteNoWait(exchange, false);
		}
		channel.exchangeDeclarePassive("amq.fanout");
	}

	private Connection connection() throws IOException {
		Connection connection = this.connection;
		if (connection == null || !connection.isOpen()) {
			try {
				connection = this.connections.open("eventsource-benchmarks-admin");
			}
			catch (TimeoutException ex) {
				throw new IOException("The broker did not answer in time", ex);
			}
			this.connection = connection;
		}
		return connection;
	}

	private Channel channel() throws IOException {
		Channel channel = this.channel;
		if (channel == null || !channel.isOpen()) {
			channel = connection().createChannel();
			if (channel == null) {
				throw new IOException("The broker has no channel left");
			}
			this.channel = channel;
		}
		return channel;
	}

	@Override
	public void close() throws IOException {
		Connection connection = this.connection;
		if (connection != null && connection.isOpen()) {
			connection.close();
		}
	}

}
