package io.eventsource.store.internal;

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

	static final RowMapper<ProjectionPosition> POSITION = (rs, row) -> new ProjectionPosition(rs.getLong(1),
			rs.getBoolean(2));

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
		return this.databaseType.dialect()
			.lockPosition(this.jdbc, new Object[] { service, projection, aggregateType, aggregateId },
					this.databaseType.toSql(Instant.now()));
	}

	/**
	 * Moves a projection's position for an aggregate from one sequence to a later one
	 * when it is at the first and not parked, and locks it until the transaction ends: in
	 * the usual case, an event that is the next one, the work of
	 * {@link #lockPosition(String, String, String, String)} and
	 * {@link #advance(String, String, EventMetadata, Instant)} in one statement. From
	 * sequence {@code 0} it also inserts the position when there is none. Not on every
	 * database (see {@link SqlDialect#advancePositionIfAt}): where it cannot, it does
	 * nothing and returns {@code false}. When it returns {@code false} the position is
	 * unchanged and the caller locks it the usual way.
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
		return this.databaseType.dialect()
			.advancePositionIfAt(this.jdbc, new Object[] { service, projection, aggregateType, aggregateId }, from, to,
					this.databaseType.toSql(now));
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
