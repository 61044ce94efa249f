package io.eventsource.replay;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventsource.topology.RawChannels;
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
 */
public class ReplayRequester {

	private static final Log logger = LogFactory.getLog(ReplayRequester.class);

	private static final int SWEEP_AT = 10_000;

	private final ConnectionFactory connectionFactory;

	private final String replyQueue;

	private final long intervalNanos;

	private final LongSupplier nanoClock;

	private final Map<ReplayRequest, Long> lastSent = new HashMap<>();

	private @Nullable Channel channel;

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
		try {
			Map<String, Object> headers = new HashMap<>();
			headers.put(ReplayNames.AGGREGATE_TYPE, request.aggregateType());
			headers.put(ReplayNames.AGGREGATE_ID, request.aggregateId());
			headers.put(ReplayNames.FROM_SEQUENCE, request.fromSequence());
			headers.put(ReplayNames.TO_SEQUENCE, request.toSequence());
			channel().basicPublish(ReplayNames.EXCHANGE, "", false,
					new AMQP.BasicProperties.Builder().replyTo(this.replyQueue).headers(headers).build(), new byte[0]);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot send the replay request " + request + " now; it is asked again", ex);
			RawChannels.close(this.channel);
			this.channel = null;
			return false;
		}
		if (this.lastSent.size() >= SWEEP_AT) {
			this.lastSent.values().removeIf((at) -> now - at >= this.intervalNanos);
		}
		this.lastSent.put(key, now);
		logger.info("Asked the producers of " + request.aggregateType() + " for " + request.aggregateId() + " #"
				+ request.fromSequence() + ((request.toSequence() > 0) ? ".." + request.toSequence() : "..") + "");
		return true;
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
			RawChannels.close(this.channel);
			this.channel = null;
			throw ex;
		}
	}

	private Channel channel() throws IOException {
		Channel channel = this.channel;
		if (channel == null || !channel.isOpen()) {
			channel = RawChannels.open(this.connectionFactory);
			channel.exchangeDeclare(ReplayNames.EXCHANGE, "fanout", true, false, null);
			this.channel = channel;
		}
		return channel;
	}

	/**
	 * Closes the channel.
	 */
	public synchronized void close() {
		RawChannels.close(this.channel);
		this.channel = null;
	}

}
