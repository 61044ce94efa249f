package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import com.rabbitmq.client.Channel;
import io.eventsource.topology.internal.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Keeps the per-aggregate queues whose ids wait for a free consumer from expiring: the
 * relay declares them with an expiry ({@code x-expires}), and a passive declaration
 * renews a queue's lease like a consumer would. Renews at most once every third of the
 * expiry, all the waiting queues on one channel of its own (a passive declaration of a
 * queue gone closes the channel). A renewal that fails is logged at debug level and made
 * again with the next one.
 * <p>
 * Not thread-safe: the listener container calls it from its maintenance only, which never
 * runs twice at once.
 */
final class WaitingLeases {

	private static final Log logger = LogFactory.getLog(WaitingLeases.class);

	private final ConnectionFactory connectionFactory;

	private final Duration queueExpiry;

	private long lastRenewal = System.nanoTime();

	/**
	 * Creates the renewals; the first is due a third of the expiry from now.
	 * @param connectionFactory the connection factory
	 * @param queueExpiry the {@code x-expires} of the per-aggregate queues
	 */
	WaitingLeases(ConnectionFactory connectionFactory, Duration queueExpiry) {
		this.connectionFactory = connectionFactory;
		this.queueExpiry = queueExpiry;
	}

	/**
	 * Renews the leases of the waiting queues if a third of the expiry has passed since
	 * the last renewal, else does nothing.
	 * @param waitingQueues the queues whose ids wait, asked only when a renewal is due
	 */
	void renewIfDue(Supplier<List<String>> waitingQueues) {
		long now = System.nanoTime();
		if (now - this.lastRenewal < this.queueExpiry.toNanos() / 3) {
			return;
		}
		this.lastRenewal = now;
		List<String> queues = waitingQueues.get();
		if (queues.isEmpty()) {
			return;
		}
		// on a channel of their own: a passive declaration of a queue gone closes it
		try {
			Channel channel = RawChannels.open(this.connectionFactory);
			try {
				for (String queue : queues) {
					channel.queueDeclarePassive(queue);
				}
			}
			finally {
				RawChannels.close(channel);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not renew the lease of waiting aggregate queues", ex);
		}
	}

}
