package io.eventsource.replay.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.topology.internal.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Asks the producing services for events a listening service is missing: publishes a
 * {@link ReplayRequest} to the fanout exchange {@value ReplayNames#EXCHANGE}, with this
 * service's replay queue as {@code reply-to}. A request for the same aggregate from the
 * same sequence is sent at most once per interval; a request lost on the way (no producer
 * up, the broker down) is simply asked again, since a gap that persists is reported
 * again.
 * <p>
 * Once {@linkplain #answerLogEndsTo told where to}, each such request also asks the
 * producers where their logs of the aggregate end: it names a queue of this instance's
 * own (exclusive, server-named, gone with the channel) as {@value ReplayNames#LOG_END_TO}
 * and carries a {@code correlation-id}; every producer whose log holds the aggregate
 * answers a {@link LogEnd} there. Producers that do not know the header answer only with
 * the events, as before.
 */
public class ReplayRequester {

	private static final Log logger = LogFactory.getLog(ReplayRequester.class);

	private static final int SWEEP_AT = 10_000;

	private final ConnectionFactory connectionFactory;

	private final String replyQueue;

	private final long intervalNanos;

	private final LongSupplier nanoClock;

	private final Map<ReplayRequest, Long> lastSent = new HashMap<>();

	/** The requests whose log ends are awaited, by correlation id. */
	private final Map<String, Asked> asked = new ConcurrentHashMap<>();

	private volatile @Nullable Consumer<LogEnd> logEnds;

	private long requests;

	private @Nullable Channel channel;

	/** The queue of the log ends, on the current channel. */
	private @Nullable String logEndQueue;

	/**
	 * Creates the requester.
	 * @param connectionFactory the broker's connection factory
	 * @param service this service, whose replay queue receives the answers
	 * @param interval the least time between two sends of one request
	 * @param nanoClock the clock of the interval, {@link System#nanoTime()} outside tests
	 */
	public ReplayRequester(ConnectionFactory connectionFactory, String service, Duration interval,
			LongSupplier nanoClock) {
		this.connectionFactory = connectionFactory;
		this.replyQueue = ReplayNames.replyQueue(service);
		this.intervalNanos = interval.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * Has every later request for the events of an aggregate also ask where the
	 * producers' logs of it end, and hands the answers to a listener, on a thread of the
	 * RabbitMQ client.
	 * @param listener takes the answers; must return quickly
	 */
	public void answerLogEndsTo(Consumer<LogEnd> listener) {
		this.logEnds = listener;
	}

	/**
	 * Sends a request unless it was sent within the interval.
	 * @param request the events asked for
	 * @return whether it was sent now
	 */
	public synchronized boolean request(ReplayRequest request) {
		long now = this.nanoClock.getAsLong();
		// one request per start of a gap, whatever its end
		ReplayRequest key = new ReplayRequest(request.aggregateType(), request.aggregateId(), request.fromSequence(),
				0);
		Long last = this.lastSent.get(key);
		if (last != null && now - last < this.intervalNanos) {
			return false;
		}
		String requestId = null;
		try {
			Map<String, Object> headers = new HashMap<>();
			headers.put(ReplayNames.AGGREGATE_TYPE, request.aggregateType());
			headers.put(ReplayNames.AGGREGATE_ID, request.aggregateId());
			headers.put(ReplayNames.FROM_SEQUENCE, request.fromSequence());
			headers.put(ReplayNames.TO_SEQUENCE, request.toSequence());
			AMQP.BasicProperties.Builder properties = new AMQP.BasicProperties.Builder().replyTo(this.replyQueue);
			Channel channel = channel();
			String logEndQueue = logEndQueue(channel);
			if (logEndQueue != null) {
				requestId = Long.toString(++this.requests);
				headers.put(ReplayNames.LOG_END_TO, logEndQueue);
				properties.correlationId(requestId);
				// before the publish: an answer may arrive before it returns
				rememberAsked(requestId, new Asked(request, now));
			}
			channel.basicPublish(ReplayNames.EXCHANGE, "", false, properties.headers(headers).build(), new byte[0]);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot send the replay request " + request + " now; it is asked again", ex);
			if (requestId != null) {
				this.asked.remove(requestId);
			}
			resetChannel();
			return false;
		}
		if (this.lastSent.size() >= SWEEP_AT) {
			this.lastSent.values().removeIf((at) -> now - at >= this.intervalNanos);
		}
		this.lastSent.put(key, now);
		logger.info("Asked the producers for " + request);
		return true;
	}

	private void rememberAsked(String requestId, Asked asked) {
		if (this.asked.size() >= SWEEP_AT) {
			// an answer comes within seconds, or not at all
			this.asked.values().removeIf((earlier) -> asked.atNanos() - earlier.atNanos() >= 10 * this.intervalNanos);
		}
		this.asked.put(requestId, asked);
	}

	/**
	 * Returns the queue of the log ends on a channel, declaring and consuming it first;
	 * {@code null} when nobody takes log ends.
	 */
	private @Nullable String logEndQueue(Channel channel) throws IOException {
		Consumer<LogEnd> listener = this.logEnds;
		if (listener == null) {
			return null;
		}
		String queue = this.logEndQueue;
		if (queue == null) {
			queue = channel.queueDeclare("", false, true, true, null).getQueue();
			channel.basicConsume(queue, true, new DefaultConsumer(channel) {

				@Override
				public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
						byte[] body) {
					LogEnd end = logEnd(properties);
					if (end != null) {
						try {
							listener.accept(end);
						}
						catch (RuntimeException ex) {
							// an exception here would close the channel
							logger.warn("Could not take the end of a producer's log", ex);
						}
					}
				}

			});
			this.logEndQueue = queue;
		}
		return queue;
	}

	private @Nullable LogEnd logEnd(AMQP.BasicProperties properties) {
		Map<String, Object> headers = properties.getHeaders();
		String requestId = properties.getCorrelationId();
		if (headers == null || requestId == null
				|| !ReplayNames.LOG_END.equals(String.valueOf(headers.get(ReplayNames.KIND)))) {
			return null;
		}
		Asked asked = this.asked.get(requestId);
		Object producer = headers.get(ReplayNames.PRODUCER);
		if (asked == null || producer == null || !(headers.get(ReplayNames.LAST_SEQUENCE) instanceof Number last)) {
			return null;
		}
		return new LogEnd(asked.request(), asked.atNanos(), producer.toString(), last.longValue());
	}

	/**
	 * Asks the producers of an aggregate type for its events after this service's cursors
	 * in their logs; each producer answers a page and an end message into a queue of the
	 * requester's choosing.
	 * @param aggregateType the aggregate type
	 * @param cursors the cursor in each producer's log, by producer service
	 * @param fromBeginning where a producer without a cursor starts: its first event, or
	 * now
	 * @param onlyProducer the only producer to answer, or {@code null} for all
	 * @param replyTo the queue the answers go to
	 * @throws IOException if the request cannot be sent
	 */
	public synchronized void catchUp(String aggregateType, Map<String, CatchUpCursor> cursors, boolean fromBeginning,
			@Nullable String onlyProducer, String replyTo) throws IOException {
		Map<String, Object> cursorTable = new HashMap<>();
		cursors.forEach((producer, cursor) -> cursorTable.put(producer, cursor.toString()));
		Map<String, Object> headers = new HashMap<>();
		headers.put(ReplayNames.KIND, ReplayNames.CATCH_UP);
		headers.put(ReplayNames.AGGREGATE_TYPE, aggregateType);
		headers.put(ReplayNames.CURSORS, cursorTable);
		headers.put(ReplayNames.START, fromBeginning ? "beginning" : "now");
		if (onlyProducer != null) {
			headers.put(ReplayNames.PRODUCER, onlyProducer);
		}
		try {
			channel().basicPublish(ReplayNames.EXCHANGE, "", false,
					new AMQP.BasicProperties.Builder().replyTo(replyTo).headers(headers).build(), new byte[0]);
		}
		catch (IOException | RuntimeException ex) {
			resetChannel();
			throw ex;
		}
	}

	private Channel channel() throws IOException {
		Channel channel = this.channel;
		if (channel == null || !channel.isOpen()) {
			resetChannel();
			channel = RawChannels.open(this.connectionFactory);
			this.channel = channel;
			channel.exchangeDeclare(ReplayNames.EXCHANGE, "fanout", true, false, null);
		}
		return channel;
	}

	/**
	 * Closes the channel, and with it the queue of the log ends.
	 */
	private void resetChannel() {
		RawChannels.close(this.channel);
		this.channel = null;
		this.logEndQueue = null;
	}

	/**
	 * Closes the channel.
	 */
	public synchronized void close() {
		resetChannel();
	}

	/**
	 * A request sent, and when.
	 */
	private record Asked(ReplayRequest request, long atNanos) {

	}

}
