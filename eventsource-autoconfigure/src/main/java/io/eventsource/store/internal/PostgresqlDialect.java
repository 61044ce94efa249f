package io.eventsource.store.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements of PostgreSQL: {@code ON CONFLICT}, {@code RETURNING}, and timestamps
 * with a time zone.
 */
final class PostgresqlDialect extends SqlDialect {

	@Override
	Object timestamp(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	@Override
	@Nullable Instant instant(ResultSet rs, int column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	@Override
	String column(String column) {
		return column;
	}

	@Override
	String insertIfAbsent(String insert, @Nullable String key) {
		return insert + ((key != null) ? " ON CONFLICT (" + key + ") DO NOTHING" : " ON CONFLICT DO NOTHING");
	}

	@Override
	String upsert(String insert, String key, String... replaced) {
		StringBuilder sql = new StringBuilder(insert).append(" ON CONFLICT (").append(key).append(") DO UPDATE SET ");
		for (int i = 0; i < replaced.length; i++) {
			sql.append((i > 0) ? ", " : "").append(replaced[i]).append(" = EXCLUDED.").append(replaced[i]);
		}
		return sql.toString();
	}

	@Override
	String recordAck() {
		return "INSERT INTO message_acks (message_id, service, projection, status, attempts, last_error, "
				+ "aggregate_type, aggregate_id, sequence, acked_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?) "
				+ "ON CONFLICT (message_id, service, projection) DO UPDATE SET status = EXCLUDED.status, "
				+ "attempts = message_acks.attempts + 1, "
				+ "last_error = COALESCE(EXCLUDED.last_error, message_acks.last_error), "
				+ "acked_at = EXCLUDED.acked_at WHERE message_acks.status <> 'ok'";
	}

	@Override
	long nextSequence(JdbcTemplate jdbc, String aggregateType, String aggregateId) {
		Long sequence = jdbc.queryForObject(
				"INSERT INTO aggregate_sequences (aggregate_type, aggregate_id, "
						+ "last_sequence) VALUES (?, ?, 1) ON CONFLICT (aggregate_type, aggregate_id) "
						+ "DO UPDATE SET last_sequence = aggregate_sequences.last_sequence + 1 RETURNING last_sequence",
				Long.class, aggregateType, aggregateId);
		if (sequence == null) {
			throw new IllegalStateException("No sequence returned for " + aggregateType + " '" + aggregateId + "'");
		}
		return sequence;
	}

	@Override
	String appendWithNextSequence() {
		return "WITH seq AS (INSERT INTO aggregate_sequences (aggregate_type, "
				+ "aggregate_id, last_sequence) VALUES (?, ?, 1) ON CONFLICT (aggregate_type, aggregate_id) "
				+ "DO UPDATE SET last_sequence = aggregate_sequences.last_sequence + 1 RETURNING last_sequence) "
				+ "INSERT INTO public_messages (message_id, topic, aggregate_id, sequence, message_type, payload, "
				+ "headers, published_at) SELECT ?, ?, ?, seq.last_sequence, ?, ?, ?, ? FROM seq RETURNING sequence";
	}

	@Override
	ProjectionPosition lockPosition(JdbcTemplate jdbc, Object[] key, Object now) {
		ProjectionPosition position = jdbc
			.queryForObject("INSERT INTO projection_positions (service, projection, aggregate_type, "
					+ "aggregate_id, last_sequence, updated_at) VALUES (?, ?, ?, ?, 0, ?) "
					+ "ON CONFLICT (service, projection, aggregate_type, aggregate_id) "
					+ "DO UPDATE SET last_sequence = projection_positions.last_sequence RETURNING last_sequence, parked",
					ProjectionPositionRepository.POSITION, key[0], key[1], key[2], key[3], now);
		if (position == null) {
			throw new IllegalStateException("No position returned for " + key[2] + " '" + key[3] + "'");
		}
		return position;
	}

	@Override
	boolean advancePositionIfAt(JdbcTemplate jdbc, Object[] key, long from, long to, Object now) {
		if (from == 0) {
			return jdbc.update(
					"INSERT INTO projection_positions (service, projection, aggregate_type, "
							+ "aggregate_id, last_sequence, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
							+ "ON CONFLICT (service, projection, aggregate_type, aggregate_id) DO UPDATE "
							+ "SET last_sequence = EXCLUDED.last_sequence, updated_at = EXCLUDED.updated_at "
							+ "WHERE projection_positions.last_sequence = 0 AND NOT projection_positions.parked",
					key[0], key[1], key[2], key[3], to, now) == 1;
		}
		return jdbc.update("UPDATE projection_positions SET last_sequence = ?, updated_at = ? WHERE service = ? "
				+ "AND projection = ? AND aggregate_type = ? AND aggregate_id = ? AND last_sequence = ? "
				+ "AND NOT parked", to, now, key[0], key[1], key[2], key[3], from) == 1;
	}

}
