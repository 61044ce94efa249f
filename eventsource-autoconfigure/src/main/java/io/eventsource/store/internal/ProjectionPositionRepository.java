package io.eventsource.store.internal;

import java.time.Instant;
import java.util.List;

import io.eventsource.envelope.EventMetadata;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The table {@code projection_positions}, half of a listening service's inbox: the last
 * sequence each (service, projection) applied per aggregate, and whether its events of
 * the aggregate are parked. Its rows are the locks that make competing consumers of an
 * aggregate take turns. Every method runs in the caller's transaction.
 */
public class ProjectionPositionRepository {

	static final RowMapper<ProjectionPosition> POSITION = (rs, row) -> new ProjectionPosition(rs.getLong(1),
			rs.getBoolean(2));

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	public ProjectionPositionRepository(JdbcTemplate jdbc, DatabaseType databaseType) {
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
	 * Returns whether a service has applied or passed over any event yet.
	 * @param service the service
	 * @return whether it has a position in any aggregate
	 */
	public boolean hasPositions(String service) {
		return !this.jdbc
			.queryForList("SELECT 1 FROM projection_positions WHERE service = ? LIMIT 1", Integer.class, service)
			.isEmpty();
	}

}
