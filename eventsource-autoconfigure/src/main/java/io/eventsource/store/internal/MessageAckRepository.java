package io.eventsource.store.internal;

import java.time.Instant;
import java.util.List;

import io.eventsource.envelope.EventMetadata;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The table {@code message_acks}, half of a listening service's inbox: what each
 * (service, projection) did with each event (applied, failed, parked, skipped) and how
 * many attempts it took. Every method runs in the caller's transaction.
 */
public class MessageAckRepository {

	/** Longest error text kept in {@code message_acks.last_error}. */
	public static final int MAX_ERROR_LENGTH = 2000;

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	public MessageAckRepository(JdbcTemplate jdbc, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
	}

	/**
	 * Records several events as applied ({@link AckStatus#OK}), in one round trip.
	 * @param service the service
	 * @param applied the projections and the events they applied
	 * @param now the current time
	 */
	public void recordApplied(String service, List<AppliedEvent> applied, Instant now) {
		if (applied.isEmpty()) {
			return;
		}
		Object at = this.databaseType.toSql(now);
		this.jdbc.batchUpdate(upsert(), applied.stream().map((one) -> {
			EventMetadata metadata = one.metadata();
			return new Object[] { metadata.eventId().toString(), service, one.projection(), AckStatus.OK.value(), null,
					metadata.aggregateType(), metadata.aggregateId(), metadata.sequence(), at };
		}).toList());
	}

	/**
	 * Records what a projection did with an event: one row per (event, service,
	 * projection), updated on each attempt.
	 * @param service the service
	 * @param projection the projection
	 * @param metadata the event
	 * @param status the status, for example {@link AckStatus#OK}
	 * @param error the error of a failed attempt, {@code null} otherwise
	 * @param now the current time
	 */
	public void record(String service, String projection, EventMetadata metadata, AckStatus status,
			@Nullable String error, Instant now) {
		String trimmed = (error != null) ? trimmed(error) : null;
		// One upsert that never turns an 'ok' row back, and keeps the last error once
		// applied: an UPDATE that finds nothing takes a gap lock on MySQL, and two
		// transactions inserting into that gap deadlock.
		this.jdbc.update(upsert(), metadata.eventId().toString(), service, projection, status.value(), trimmed,
				metadata.aggregateType(), metadata.aggregateId(), metadata.sequence(), this.databaseType.toSql(now));
	}

	/**
	 * Returns an error text cut to {@link #MAX_ERROR_LENGTH}, without the NUL characters
	 * PostgreSQL refuses (an exception's message may quote a message's bytes).
	 */
	static String trimmed(String error) {
		return ParkedPayload.storable(error, MAX_ERROR_LENGTH);
	}

	private String upsert() {
		return this.databaseType.dialect().recordAck();
	}

	/**
	 * Returns the status recorded for an event.
	 * @param eventId the event id
	 * @param service the service
	 * @param projection the projection
	 * @return the status, or {@code null} when the event was never seen
	 */
	public @Nullable AckStatus status(String eventId, String service, String projection) {
		List<String> status = this.jdbc.queryForList(
				"SELECT status FROM message_acks WHERE message_id = ? AND service = ? AND projection = ?", String.class,
				eventId, service, projection);
		return status.isEmpty() ? null : AckStatus.of(status.get(0));
	}

	/**
	 * Returns the events whose last attempt failed and that wait for their next one.
	 * @param service the service
	 * @param limit the most events to return
	 * @return the events, oldest attempt first
	 */
	public List<FailingEvent> failing(String service, int limit) {
		return this.jdbc.query(
				"SELECT message_id, projection, aggregate_type, aggregate_id, sequence, attempts, last_error, acked_at "
						+ "FROM message_acks WHERE service = ? AND status = 'fail' ORDER BY acked_at LIMIT ?",
				(rs, row) -> new FailingEvent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
						rs.getLong(5), rs.getInt(6), rs.getString(7), this.databaseType.fromSql(rs, 8)),
				service, limit);
	}

	/**
	 * Returns how many attempts were recorded for an event.
	 * @param eventId the event id
	 * @param service the service
	 * @param projection the projection
	 * @return the attempts, {@code 0} when none
	 */
	public int attempts(String eventId, String service, String projection) {
		List<Integer> attempts = this.jdbc.queryForList(
				"SELECT attempts FROM message_acks WHERE message_id = ? AND service = ? AND projection = ?",
				Integer.class, eventId, service, projection);
		return attempts.isEmpty() ? 0 : attempts.get(0);
	}

}
