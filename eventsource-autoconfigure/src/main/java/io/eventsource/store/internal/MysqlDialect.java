package io.eventsource.store.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements of MySQL and MariaDB: {@code INSERT IGNORE}, {@code ON DUPLICATE KEY
 * UPDATE}, timestamps in UTC, and no locking read of a missing row (which takes a gap
 * lock that holds up other inserts).
 */
final class MysqlDialect extends SqlDialect {

	private static final String INSERT = "INSERT INTO ";

	@Override
	Object timestamp(Instant instant) {
		return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	@Override
	@Nullable Instant instant(ResultSet rs, int column) throws SQLException {
		LocalDateTime value = rs.getObject(column, LocalDateTime.class);
		return (value != null) ? value.toInstant(ZoneOffset.UTC) : null;
	}

	@Override
	String column(String column) {
		return "`" + column + "`";
	}

	@Override
	String insertIfAbsent(String insert, @Nullable String key) {
		if (!insert.startsWith(INSERT)) {
			throw new IllegalArgumentException("Not an insert: " + insert);
		}
		return "INSERT IGNORE INTO " + insert.substring(INSERT.length());
	}

	@Override
	String upsert(String insert, String key, String... replaced) {
		StringBuilder sql = new StringBuilder(insert).append(" ON DUPLICATE KEY UPDATE ");
		for (int i = 0; i < replaced.length; i++) {
			sql.append((i > 0) ? ", " : "").append(replaced[i]).append(" = VALUES(").append(replaced[i]).append(')');
		}
		return sql.toString();
	}

	@Override
	String recordAck() {
		// assignments run left to right: status last, so that the others see the old one
		return "INSERT INTO message_acks (message_id, service, projection, status, attempts, last_error, "
				+ "aggregate_type, aggregate_id, sequence, acked_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?) "
				+ "ON DUPLICATE KEY UPDATE attempts = IF(status = 'ok', attempts, attempts + 1), "
				+ "last_error = IF(status = 'ok', last_error, COALESCE(VALUES(last_error), last_error)), "
				+ "acked_at = IF(status = 'ok', acked_at, VALUES(acked_at)), "
				+ "status = IF(status = 'ok', status, VALUES(status))";
	}

	@Override
	long nextSequence(JdbcTemplate jdbc, String aggregateType, String aggregateId) {
		jdbc.update(
				"INSERT INTO aggregate_sequences (aggregate_type, aggregate_id, last_sequence) "
						+ "VALUES (?, ?, LAST_INSERT_ID(1)) "
						+ "ON DUPLICATE KEY UPDATE last_sequence = LAST_INSERT_ID(last_sequence + 1)",
				aggregateType, aggregateId);
		Long sequence = jdbc.queryForObject("SELECT LAST_INSERT_ID()", Long.class);
		if (sequence == null) {
			throw new IllegalStateException("No sequence returned for " + aggregateType + " '" + aggregateId + "'");
		}
		return sequence;
	}

	@Override
	@Nullable String appendWithNextSequence() {
		return null;
	}

	@Override
	ProjectionPosition lockPosition(JdbcTemplate jdbc, Object[] key, Object now) {
		// an exclusive lock at once (a duplicate key under ON DUPLICATE KEY UPDATE),
		// never
		// a shared one to upgrade, and no gap lock as a locking read of a missing row
		// takes
		jdbc.update("INSERT INTO projection_positions (service, projection, aggregate_type, aggregate_id, "
				+ "last_sequence, updated_at) VALUES (?, ?, ?, ?, 0, ?) "
				+ "ON DUPLICATE KEY UPDATE last_sequence = last_sequence", key[0], key[1], key[2], key[3], now);
		List<ProjectionPosition> found = jdbc.query(
				"SELECT last_sequence, parked FROM projection_positions WHERE service = ? "
						+ "AND projection = ? AND aggregate_type = ? AND aggregate_id = ? FOR UPDATE",
				ProjectionPositionRepository.POSITION, key);
		return found.isEmpty() ? new ProjectionPosition(0, false) : found.get(0);
	}

	@Override
	boolean advancePositionIfAt(JdbcTemplate jdbc, Object[] key, long from, long to, Object now) {
		// an UPDATE that finds no row takes a gap lock, which holds up the inserts of
		// other new aggregates: the caller locks the position the usual way
		return false;
	}

}
