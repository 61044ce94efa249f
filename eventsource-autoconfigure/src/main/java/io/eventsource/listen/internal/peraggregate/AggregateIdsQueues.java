package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.topology.PerAggregateNames;
import io.eventsource.topology.internal.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Declares a service's durable queue {@code {Type}AggregateIds-{service}} and binds it to
 * the fanout exchange {@code {Type}AggregateIds}, with an expiry ({@code x-expires}) and
 * a length limit ({@code x-max-length}), so that the queue of a service that was renamed
 * or retired neither keeps an announcement per new aggregate for ever nor grows without
 * bound. Past the limit the broker drops the oldest announcement (its default overflow):
 * that loses no event, since an announcement that waited longer than the per-aggregate
 * queue expiry points to a queue gone already, and what such a queue held comes back
 * through gap repair and catch-up from the producers' logs.
 * <p>
 * A queue that already exists with other arguments (declared by a version before these,
 * or by an instance configured otherwise) makes the broker refuse the declaration with
 * {@code PRECONDITION_FAILED} and close the channel. An upgrade must never stop a
 * service, so the existing queue is then used as it is, and one warning says how to give
 * it the arguments: delete it, or set a policy, which applies to an existing queue
 * without a declaration. Arguments rather than a policy set by the library: a policy
 * needs the management API and its credentials, and a queue takes only one, which could
 * displace an operator's own. Declarations run on a channel of their own: the refusal
 * never closes the channel that consumes.
 */
final class AggregateIdsQueues {

	private static final Log logger = LogFactory.getLog(AggregateIdsQueues.class);

	private static final int PRECONDITION_FAILED = 406;

	private final ConnectionFactory connectionFactory;

	private final String service;

	private final Duration expiry;

	private final int maxLength;

	private final Map<String, Object> arguments;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	AggregateIdsQueues(ConnectionFactory connectionFactory, String service, Duration expiry, int maxLength) {
		this.connectionFactory = connectionFactory;
		this.service = service;
		this.expiry = expiry;
		this.maxLength = maxLength;
		this.arguments = PerAggregateNames.aggregateIdsQueueArguments(expiry, maxLength);
	}

	/**
	 * Declares the exchange and this service's queue of an aggregate type, and binds
	 * them.
	 * @param aggregateType the aggregate type
	 * @return the queue's name, to consume
	 * @throws IOException when the broker cannot be reached or refuses otherwise
	 */
	String declare(String aggregateType) throws IOException {
		String exchange = PerAggregateNames.aggregateIdsExchange(aggregateType);
		String queue = PerAggregateNames.aggregateIdsQueue(aggregateType, this.service);
		Channel channel = RawChannels.open(this.connectionFactory);
		try {
			channel.exchangeDeclare(exchange, "fanout", true, false, null);
			try {
				channel.queueDeclare(queue, true, false, false, this.arguments);
			}
			catch (IOException ex) {
				String refusal = preconditionFailed(ex);
				if (refusal == null) {
					throw ex;
				}
				warnOnce(queue, refusal);
				RawChannels.close(channel);
				channel = RawChannels.open(this.connectionFactory);
			}
			channel.queueBind(queue, exchange, "");
			return queue;
		}
		finally {
			RawChannels.close(channel);
		}
	}

	private void warnOnce(String queue, String refusal) {
		if (!this.warned.add(queue)) {
			return;
		}
		String policy = "{\"expires\":" + this.expiry.toMillis()
				+ ((this.maxLength > 0) ? ",\"max-length\":" + this.maxLength : "") + "}";
		logger.warn("The queue " + queue + " exists with other arguments than " + this.arguments
				+ " and is used as it is, so it does not expire when the service " + this.service + " goes away ("
				+ UntrustedText.abbreviate(refusal, 256) + "). To apply them, delete the queue while no instance of "
				+ this.service + " runs (catch-up brings the events of the announcements in it), or set a policy: "
				+ "rabbitmqctl set_policy " + queue + " '^" + queue.replace(".", "\\.") + "$' '" + policy
				+ "' --apply-to queues");
	}

	/**
	 * Returns the broker's reply text when it refused a declaration because the queue
	 * exists with other arguments, else {@code null}.
	 */
	private static @Nullable String preconditionFailed(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof ShutdownSignalException signal
					&& signal.getReason() instanceof AMQP.Channel.Close close) {
				return (close.getReplyCode() == PRECONDITION_FAILED) ? close.getReplyText() : null;
			}
		}
		return null;
	}

}
