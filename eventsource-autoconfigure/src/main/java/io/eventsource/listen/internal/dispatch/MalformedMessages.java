package io.eventsource.listen.internal.dispatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.store.internal.ParkedEventRepository;
import io.eventsource.store.internal.ParkedPayload;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedRuntimeException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Settles the messages that are not eventsource events (CloudEvents headers missing or
 * invalid, or an aggregate other than their queue's): each is parked under the projection
 * {@value EventDispatcher#MALFORMED} with its headers, body and reason, whatever bytes it
 * carries (see {@link ParkedPayload}, {@link MalformedHeaders}); a body over
 * {@value #MAX_BODY_BYTES} bytes is cut, and its reason says so. Such a message can be
 * looked at and skipped, never applied.
 * <p>
 * The same message delivered again finds its row (see {@link #id}): it is acknowledged
 * and counted as {@code duplicate}.
 * <p>
 * When parking it fails, the message is tried again with the lane's back-off; after
 * {@value #MAX_ATTEMPTS} failed attempts, or at once when the database refuses its
 * content, it is dropped: acknowledged, counted in {@code eventsource.messages.dropped},
 * and logged once. When the service keeps as many parked as it may (see
 * {@link MalformedParkingLimit}), it is dropped at once, and such drops are logged at
 * most once per period. Nothing is lost by that: it is not an event of a producer's log.
 */
final class MalformedMessages {

	private static final Log logger = LogFactory.getLog(MalformedMessages.class);

	/** The most bytes of a body kept. */
	static final int MAX_BODY_BYTES = 1024 * 1024;

	/**
	 * The attempts to park one message before it is dropped. They are counted per
	 * message, not per lane or over time: a database outage fails every message, and each
	 * malformed one then holds its lane for at most this many back-off periods, while the
	 * real events are never dropped (they wait and are retried, as always). A message
	 * whose consumer is cancelled goes back to the queue and starts again with its next
	 * consumer, which again gives up after this many attempts.
	 */
	static final int MAX_ATTEMPTS = 5;

	/** The reason of a drop after {@link #MAX_ATTEMPTS} failed attempts. */
	static final String ATTEMPTS_EXHAUSTED = "parking-failed";

	/** The reason of a drop at once, when the database refuses the message's content. */
	static final String REFUSED = "parking-refused";

	/**
	 * The reason of a drop at once, when the service keeps as many such messages parked
	 * as it may (see {@link MalformedParkingLimit}).
	 */
	static final String PARKING_FULL = "parking-full";

	private static final int MAX_REASON_LENGTH = 1000;

	private static final int LOGGED_LENGTH = 160;

	private final ParkedEventRepository parked;

	private final TransactionOperations transactions;

	private final ListenerMetrics metrics;

	private final String service;

	private final Clock clock;

	private final MalformedParkingLimit limit;

	/**
	 * Creates the settlement of a service's messages that are not events.
	 * @param parked the parked events
	 * @param transactions the transactions to park in
	 * @param metrics the meters
	 * @param service the service
	 * @param maxParked the most such messages the service keeps parked; beyond, one is
	 * dropped
	 * @param clock the clock
	 */
	MalformedMessages(ParkedEventRepository parked, TransactionOperations transactions, ListenerMetrics metrics,
			String service, long maxParked, Clock clock) {
		this.parked = parked;
		this.transactions = transactions;
		this.metrics = metrics;
		this.service = service;
		this.clock = clock;
		this.limit = new MalformedParkingLimit(() -> parked.count(service, EventDispatcher.MALFORMED), maxParked,
				clock);
	}

	/**
	 * Parks a message that is not an eventsource event, or drops it when it cannot be
	 * parked.
	 * @param aggregateType the aggregate type of its lane
	 * @param aggregateId the aggregate id of its lane
	 * @param delivery the message
	 * @param problem what is wrong with it
	 * @return whether it is settled (parked or dropped) and can be acknowledged;
	 * {@code false} when it is to be tried again
	 */
	boolean settle(String aggregateType, String aggregateId, ReceivedMessage delivery, String problem) {
		byte[] body = delivery.body();
		ParkedPayload payload = ParkedPayload.of(body, delivery.properties().getContentType(), MAX_BODY_BYTES);
		String reason = ParkedPayload.storable(problem, MAX_REASON_LENGTH);
		if (payload.truncated()) {
			reason += "; its body was cut to its first " + payload.bytes().length + " of " + body.length + " bytes";
		}
		Map<String, String> headers = MalformedHeaders
			.of((delivery.properties().getHeaders() != null) ? delivery.properties().getHeaders() : Map.of());
		UUID id = id(aggregateType, aggregateId, delivery, headers);
		Instant now = this.clock.instant();
		// the lane's aggregate id fits its column (of as many characters as an id's
		// bytes)
		EventMetadata metadata = new EventMetadata(id, aggregateType,
				ParkedPayload.storable(aggregateId, AggregateNames.MAX_AGGREGATE_ID_BYTES), 0,
				EventDispatcher.MALFORMED, now, id.toString(), null, "unknown", headers);
		String parkedReason = reason;
		boolean written;
		try {
			if (!this.limit.admits()) {
				return full(metadata);
			}
			written = Boolean.TRUE.equals(this.transactions.execute((status) -> this.parked.park(this.service,
					EventDispatcher.MALFORMED, metadata, payload, parkedReason, now)));
		}
		catch (RuntimeException ex) {
			return failed(metadata, delivery, ex);
		}
		if (!written) {
			// the same message again (redelivered after its consumer stopped, or sent
			// twice): its row is there
			logger.debug("A message that is not an eventsource event, " + describe(metadata, body)
					+ ", was parked before; it is acknowledged");
			this.metrics.consumed(metadata, EventDispatcher.MALFORMED, DispatchOutcome.DUPLICATE);
			return true;
		}
		this.limit.parked();
		logger.warn("Parked a message that is not an eventsource event as " + describe(metadata, body) + ", kept as "
				+ payload.encoding().columnValue()
				+ (payload.truncated() ? " and cut to " + MAX_BODY_BYTES + " bytes" : "") + ": " + shortened(problem));
		this.metrics.consumed(metadata, EventDispatcher.MALFORMED, DispatchOutcome.PARKED);
		return true;
	}

	/**
	 * Drops a message as the service keeps as many parked as it may; logs the first drop,
	 * then at most one line per period with the count since the last.
	 */
	private boolean full(EventMetadata metadata) {
		this.metrics.dropped(metadata.aggregateType(), PARKING_FULL);
		long dropped = this.limit.dropped();
		if (dropped > 0) {
			logger.warn("Dropped " + dropped + " message(s) that are not eventsource events since the last such line, "
					+ "the last of " + metadata.aggregateType() + "-" + shortened(metadata.aggregateId(), 40)
					+ ", as this service keeps " + this.limit.max()
					+ " parked already (eventsource.listener.malformed.max-parked); further ones are "
					+ "counted in eventsource.messages.dropped (reason " + PARKING_FULL
					+ ") and logged at most once per " + MalformedParkingLimit.LOG_PERIOD.toMinutes() + " minute(s)");
		}
		return true;
	}

	private boolean failed(EventMetadata metadata, ReceivedMessage delivery, RuntimeException ex) {
		int attempts = delivery.failedToPark();
		boolean refused = refusesContent(ex);
		String error = error(ex);
		if (!refused && attempts < MAX_ATTEMPTS) {
			// no stack trace: the same failure comes back with each attempt
			logger.debug("Could not park " + describe(metadata, delivery.body()) + " (attempt " + attempts + " of "
					+ MAX_ATTEMPTS + "); it is tried again: " + error);
			return false;
		}
		String reason = refused ? REFUSED : ATTEMPTS_EXHAUSTED;
		this.metrics.dropped(metadata.aggregateType(), reason);
		logger.warn("Dropped a message that is not an eventsource event, " + describe(metadata, delivery.body())
				+ ", as it could not be parked"
				+ (refused ? " (the database refused its content)" : " after " + attempts + " attempts") + ": "
				+ error);
		return true;
	}

	/**
	 * Returns whether the database refused what the message carries, so that another
	 * attempt would be refused too: a data exception or an integrity constraint (SQL
	 * states of class 22 and 23, whatever the driver's error codes), not a lost
	 * connection, a timeout or a lock.
	 */
	private static boolean refusesContent(RuntimeException ex) {
		if (ex instanceof DataIntegrityViolationException) {
			return true;
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Returns the database's own words, shortened: the exception that wraps them repeats
	 * the whole statement.
	 */
	private static String error(RuntimeException ex) {
		Throwable cause = (ex instanceof NestedRuntimeException nested) ? nested.getMostSpecificCause() : ex;
		return shortened(cause.getClass().getSimpleName() + ": " + cause.getMessage());
	}

	private static String describe(EventMetadata metadata, byte[] body) {
		return metadata.eventId() + " of " + metadata.aggregateType() + "-" + shortened(metadata.aggregateId(), 40)
				+ " (" + body.length + " bytes)";
	}

	/**
	 * Returns the id a message is parked under: the event id of one whose headers make an
	 * event (of another aggregate, or one gap repair gave up), otherwise one made from
	 * everything that tells it apart: its message id, content type, headers (as kept),
	 * lane and body. Only the same message delivered again (after its consumer stopped,
	 * or sent twice) gets the same id, so parking it again adds no row, while different
	 * messages with the same body or the same message id each get a row of their own.
	 * @param aggregateType the aggregate type of its lane
	 * @param aggregateId the aggregate id of its lane
	 * @param delivery the message
	 * @param headers its headers, as {@link MalformedHeaders} keeps them
	 * @return the id
	 */
	static UUID id(String aggregateType, String aggregateId, ReceivedMessage delivery, Map<String, String> headers) {
		EventMetadata metadata = delivery.metadata();
		if (metadata != null) {
			return metadata.eventId();
		}
		MessageDigest digest = sha256();
		update(digest, aggregateType);
		update(digest, aggregateId);
		update(digest, delivery.properties().getMessageId());
		update(digest, delivery.properties().getContentType());
		// the order the broker's client decodes a table in is not the order sent
		Map<String, String> sorted = new TreeMap<>(headers);
		update(digest, Integer.toString(sorted.size()));
		sorted.forEach((name, value) -> {
			update(digest, name);
			update(digest, value);
		});
		update(digest, delivery.body());
		return UUID.nameUUIDFromBytes(digest.digest());
	}

	private static void update(MessageDigest digest, @Nullable String text) {
		if (text == null) {
			// apart from any text, the empty one included
			digest.update((byte) 0);
			return;
		}
		digest.update((byte) 1);
		update(digest, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Adds bytes after their length, so that no two sequences of fields give the same
	 * input.
	 */
	private static void update(MessageDigest digest, byte[] bytes) {
		digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
		digest.update(bytes);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/**
	 * Returns a text for a log line: control characters replaced, cut to a length.
	 * @param text the text, possibly from the wire
	 * @return the text to log
	 */
	static String shortened(String text) {
		return shortened(text, LOGGED_LENGTH);
	}

	private static String shortened(String text, int maxLength) {
		String cut = (text.length() > maxLength) ? text.substring(0, maxLength) + "…" : text;
		StringBuilder logged = new StringBuilder(cut.length());
		cut.codePoints().forEach((c) -> logged.appendCodePoint(Character.isISOControl(c) ? '?' : c));
		return logged.toString();
	}

}
