package io.eventsource.store;

import java.time.Instant;
import java.util.List;

import io.eventsource.envelope.EventMetadata;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The inbox of a listening service: {@code message_acks}, what each (service, projection)
 * did with each event, and {@code projection_positions}, the last sequence it applied per
 * aggregate. Every method runs in the caller's transaction.
 */
public class InboxRepository {

	/** Longest error text kept in {@code message_acks.last_error}. */
	public static final int MAX_ERROR_LENGTH = 2000;

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	public InboxRepository(JdbcTemplate jdbc, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
	}

	/**
	 * Returns the position of a projection for an aggregate (the last sequence it applied
	 * and whether its events are parked) and locks it until the transaction ends, so that
	 * competing consumers of one aggregate take turns.
	 * @param service the service
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return the position, sequence {@code 0} when none was applied
	 */
	public ProjectionPosition lockPosition(String service, String projection, String aggregateType,
			String aggregateId) {
		Object now = this.databaseType.toSql(Instant.now());
		RowMapper<ProjectionPosition> position = (rs, row) -> new ProjectionPosition(rs.getLong(1), rs.getBoolean(2));
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			return this.jdbc.queryForObject("INSERT INTO projection_positions (service, projection, aggregate_type, "
					+ "aggregate_id, last_sequence, updated_at) VALUES (?, ?, ?, ?, 0, ?) "
					+ "ON CONFLICT (service, projection, aggregate_type, aggregate_id) "
					+ "DO UPDATE SET last_sequence = projection_positions.last_sequence RETURNING last_sequence, parked",
					position, service, projection, aggregateType, aggregateId, now);
		}
		// an exclusive lock at once (a duplicate key under ON DUPLICATE
		// KEY UPDATE), never a shared one to upgrade, and no gap lock as
		// a locking read of a missing row takes
		this.jdbc.update(
				"INSERT INTO projection_positions (service, projection, aggregate_type, aggregate_id, "
						+ "last_sequence, updated_at) VALUES (?, ?, ?, ?, 0, ?) "
						+ "ON DUPLICATE KEY UPDATE last_sequence = last_sequence",
				service, projection, aggregateType, aggregateId, now);
		List<ProjectionPosition> found = this.jdbc.query(
				"SELECT last_sequence, parked FROM projection_positions WHERE service = ? "
						+ "AND projection = ? AND aggregate_type = ? AND aggregate_id = ? FOR UPDATE",
				position, service, projection, aggregateType, aggregateId);
		return found.isEmpty() ? new ProjectionPosition(0, false) : found.get(0);
	}

	/**
	 * Moves a projection's position for an aggregate from one sequence to a later one
	 * when it is at the first and not parked, and locks it until the transaction ends: in
	 * the usual case, an event that is the next one, the work of
	 * {@link #lockPosition(String, String, String, String)} and
	 * {@link #advance(String, String, EventMetadata, Instant)} in one statement. From
	 * sequence {@code 0} it also inserts the position when there is none. Only on
	 * PostgreSQL: on MySQL an {@code UPDATE} that finds no row takes a gap lock, so there
	 * it does nothing and returns {@code false}. When it returns {@code false} the
	 * position is unchanged and the caller locks it the usual way.
	 * @param service the service
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param from the sequence the position must be at
	 * @param to the sequence to move it to
	 * @param now the current time
	 * @return whether the position was at {@code from}, not parked, and now is at
	 * {@code to}
	 */
	public boolean advanceIfAt(String service, String projection, String aggregateType, String aggregateId, long from,
			long to, Instant now) {
		if (this.databaseType != DatabaseType.POSTGRESQL) {
			return false;
		}
		Object at = this.databaseType.toSql(now);
		if (from == 0) {
			return this.jdbc.update(
					"INSERT INTO projection_positions (service, projection, aggregate_type, "
							+ "aggregate_id, last_sequence, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
							+ "ON CONFLICT (service, projection, aggregate_type, aggregate_id) DO UPDATE "
							+ "SET last_sequence = EXCLUDED.last_sequence, updated_at = EXCLUDED.updated_at "
							+ "WHERE projection_positions.last_sequence = 0 AND NOT projection_positions.parked",
					service, projection, aggregateType, aggregateId, to, at) == 1;
		}
		return this.jdbc.update("UPDATE projection_positions SET last_sequence = ?, updated_at = ? WHERE service = ? "
				+ "AND projection = ? AND aggregate_type = ? AND aggregate_id = ? AND last_sequence = ? "
				+ "AND NOT parked", to, at, service, projection, aggregateType, aggregateId, from) == 1;
	}

	/**
	 * Marks whether a projection's events of an aggregate are parked.
	 * @param service the service
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param parked whether later events are parked behind a parked one
	 */
	public void setParked(String service, String projection, String aggregateType, String aggregateId, boolean parked) {
		this.jdbc.update(
				"UPDATE projection_positions SET parked = ? WHERE service = ? AND projection = ? "
						+ "AND aggregate_type = ? AND aggregate_id = ?",
				parked, service, projection, aggregateType, aggregateId);
	}

	/**
	 * Moves a projection's position for an aggregate to a sequence.
	 * @param service the service
	 * @param projection the projection
	 * @param metadata the event just applied
	 * @param now the current time
	 */
	public void advance(String service, String projection, EventMetadata metadata, Instant now) {
		this.jdbc.update(
				"UPDATE projection_positions SET last_sequence = ?, updated_at = ? WHERE service = ? "
						+ "AND projection = ? AND aggregate_type = ? AND aggregate_id = ?",
				metadata.sequence(), this.databaseType.toSql(now), service, projection, metadata.aggregateType(),
				metadata.aggregateId());
	}

	/**
	 * Moves several positions, in one round trip.
	 * @param service the service
	 * @param updates the positions and their new sequences
	 * @param now the current time
	 */
	public void advanceAll(String service, List<PositionUpdate> updates, Instant now) {
		if (updates.isEmpty()) {
			return;
		}
		Object at = this.databaseType.toSql(now);
		this.jdbc.batchUpdate(
				"UPDATE projection_positions SET last_sequence = ?, updated_at = ? WHERE service = ? "
						+ "AND projection = ? AND aggregate_type = ? AND aggregate_id = ?",
				updates.stream()
					.map((update) -> new Object[] { update.sequence(), at, service, update.projection(),
							update.aggregateType(), update.aggregateId() })
					.toList());
	}

	/**
	 * Records several events as applied ({@link AckStatus#OK}), in one round trip.
	 * @param service the service
	 * @param applied the projections and the events they applied
	 * @param now the current time
	 */
	public void recordApplied(String service, List<Applied> applied, Instant now) {
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
		return switch (this.databaseType) {
			case POSTGRESQL ->
				"INSERT INTO message_acks (message_id, service, projection, status, attempts, last_error, "
						+ "aggregate_type, aggregate_id, sequence, acked_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?) "
						+ "ON CONFLICT (message_id, service, projection) DO UPDATE SET status = EXCLUDED.status, "
						+ "attempts = message_acks.attempts + 1, "
						+ "last_error = COALESCE(EXCLUDED.last_error, message_acks.last_error), "
						+ "acked_at = EXCLUDED.acked_at WHERE message_acks.status <> 'ok'";
			// assignments run left to right: status last, so that the others see the old
			// one
			case MYSQL -> "INSERT INTO message_acks (message_id, service, projection, status, attempts, last_error, "
					+ "aggregate_type, aggregate_id, sequence, acked_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?) "
					+ "ON DUPLICATE KEY UPDATE attempts = IF(status = 'ok', attempts, attempts + 1), "
					+ "last_error = IF(status = 'ok', last_error, COALESCE(VALUES(last_error), last_error)), "
					+ "acked_at = IF(status = 'ok', acked_at, VALUES(acked_at)), "
					+ "status = IF(status = 'ok', status, VALUES(status))";
		};
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
	 * Returns whether a service has applied or passed over any event yet.
	 * @param service the service
	 * @return whether it has a position in any aggregate
	 */
	public boolean hasPositions(String service) {
		return !this.jdbc
			.queryForList("SELECT 1 FROM projection_positions WHERE service = ? LIMIT 1", Integer.class, service)
			.isEmpty();
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

	/**
	 * An event a projection applied.
	 *
	 * @param projection the projection
	 * @param metadata the event
	 */
	public record Applied(String projection, EventMetadata metadata) {

	}

	/**
	 * A projection's new position for an aggregate.
	 *
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param sequence the last sequence applied
	 */
	public record PositionUpdate(String projection, String aggregateType, String aggregateId, long sequence) {

	}

	/**
	 * A projection's position for an aggregate.
	 *
	 * @param lastSequence the last sequence applied, {@code 0} when none
	 * @param parked whether its events are parked: later ones are parked behind them
	 */
	public record ProjectionPosition(long lastSequence, boolean parked) {

	}

	/**
	 * An event whose last attempt failed.
	 *
	 * @param eventId the event id
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param sequence the event's sequence
	 * @param attempts the attempts so far
	 * @param lastError the error of the last attempt
	 * @param lastAttemptAt when it was recorded
	 */
	public record FailingEvent(String eventId, String projection, String aggregateType, String aggregateId,
			long sequence, int attempts, @Nullable String lastError, @Nullable Instant lastAttemptAt) {

	}

}
