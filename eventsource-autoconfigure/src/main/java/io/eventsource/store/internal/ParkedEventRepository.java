package io.eventsource.store.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code parked_events} table: the events a (service, projection) set aside, whole
 * (metadata and payload), so that they can be applied again in sequence order. The
 * payload is kept as a {@link ParkedPayload}: text, or the base64 of bytes that are not
 * text, so that no content makes the insert fail. Every method runs in the caller's
 * transaction.
 */
public class ParkedEventRepository {

	private static final String COLUMNS = "message_id, projection, aggregate_type, aggregate_id, sequence, "
			+ "message_type, payload, headers, published_at, reason, parked_at, payload_encoding, "
			+ "payload_content_type, payload_truncated";

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final HeadersJson headers;

	public ParkedEventRepository(JdbcTemplate jdbc, JsonMapper jsonMapper, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.headers = new HeadersJson(jsonMapper);
	}

	/**
	 * Parks an event for a projection; parking it again changes nothing.
	 * @param service the service
	 * @param projection the projection
	 * @param metadata the event
	 * @param payload its payload
	 * @param reason why it is parked; cut to
	 * {@link MessageAckRepository#MAX_ERROR_LENGTH}
	 * @param now the current time
	 * @return whether a row was written; {@code false} when the projection had parked
	 * this event id already
	 */
	public boolean park(String service, String projection, EventMetadata metadata, ParkedPayload payload, String reason,
			Instant now) {
		String insert = "INSERT INTO parked_events (message_id, service, projection, aggregate_type, aggregate_id, "
				+ "sequence, message_type, payload, headers, published_at, reason, parked_at, payload_encoding, "
				+ "payload_content_type, payload_truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
		String sql = this.databaseType.dialect().insertIfAbsent(insert, null);
		return this.jdbc.update(sql, metadata.eventId().toString(), service, projection, metadata.aggregateType(),
				metadata.aggregateId(), metadata.sequence(), metadata.eventType(), payload.content(),
				this.headers.write(metadata), this.databaseType.toSql(metadata.occurredAt()),
				MessageAckRepository.trimmed(reason), this.databaseType.toSql(now), payload.encoding().columnValue(),
				payload.contentType(), payload.truncated()) > 0;
	}

	/**
	 * Returns the parked events of a projection for an aggregate, lowest sequence first.
	 * @param service the service
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param limit the most events to return
	 * @return the events
	 */
	public List<ParkedEvent> find(String service, String projection, String aggregateType, String aggregateId,
			int limit) {
		return this.jdbc.query(
				"SELECT " + COLUMNS + " FROM parked_events WHERE service = ? AND projection = ? "
						+ "AND aggregate_type = ? AND aggregate_id = ? ORDER BY sequence LIMIT ?",
				this::mapRow, service, projection, aggregateType, aggregateId, limit);
	}

	/**
	 * Returns the parked events of a service, by projection and aggregate, lowest
	 * sequence first.
	 * @param service the service
	 * @param limit the most events to return
	 * @return the events
	 */
	public List<ParkedEvent> findAll(String service, int limit) {
		return this.jdbc.query(
				"SELECT " + COLUMNS + " FROM parked_events WHERE service = ? "
						+ "ORDER BY projection, aggregate_type, aggregate_id, sequence LIMIT ?",
				this::mapRow, service, limit);
	}

	/**
	 * Returns one parked event.
	 * @param service the service
	 * @param projection the projection
	 * @param eventId the event id
	 * @return the event, or {@code null} when it is not parked
	 */
	public @Nullable ParkedEvent find(String service, String projection, UUID eventId) {
		List<ParkedEvent> found = this.jdbc.query(
				"SELECT " + COLUMNS + " FROM parked_events WHERE service = ? AND projection = ? AND message_id = ?",
				this::mapRow, service, projection, eventId.toString());
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * Counts a projection's parked events of an aggregate.
	 * @param service the service
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return the count
	 */
	public int count(String service, String projection, String aggregateType, String aggregateId) {
		Integer count = this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM parked_events WHERE service = ? "
						+ "AND projection = ? AND aggregate_type = ? AND aggregate_id = ?",
				Integer.class, service, projection, aggregateType, aggregateId);
		return (count != null) ? count : 0;
	}

	/**
	 * Counts a projection's parked events, of every aggregate.
	 * @param service the service
	 * @param projection the projection
	 * @return the count
	 */
	public long count(String service, String projection) {
		Long count = this.jdbc.queryForObject("SELECT COUNT(*) FROM parked_events WHERE service = ? AND projection = ?",
				Long.class, service, projection);
		return (count != null) ? count : 0;
	}

	/**
	 * Counts the parked events of a service per projection.
	 * @param service the service
	 * @return the counts, by projection
	 */
	public Map<String, Long> countByProjection(String service) {
		Map<String, Long> counts = new TreeMap<>();
		this.jdbc.query("SELECT projection, COUNT(*) FROM parked_events WHERE service = ? GROUP BY projection",
				(rs) -> {
					counts.put(rs.getString(1), rs.getLong(2));
				}, service);
		return counts;
	}

	/**
	 * Removes a parked event, once it was applied or skipped.
	 * @param service the service
	 * @param projection the projection
	 * @param eventId the event id
	 */
	public void delete(String service, String projection, UUID eventId) {
		this.jdbc.update("DELETE FROM parked_events WHERE service = ? AND projection = ? AND message_id = ?", service,
				projection, eventId.toString());
	}

	private ParkedEvent mapRow(ResultSet rs, int rowNum) throws SQLException {
		EventMetadata metadata = this.headers.metadata(rs.getString("message_id"), rs.getString("aggregate_type"),
				rs.getString("aggregate_id"), rs.getLong("sequence"), rs.getString("message_type"),
				this.databaseType.fromSql(rs, 9), rs.getString("headers"));
		Instant parkedAt = this.databaseType.fromSql(rs, 11);
		ParkedPayload payload = new ParkedPayload(ParkedPayload.Encoding.fromColumn(rs.getString("payload_encoding")),
				rs.getString("payload"), rs.getString("payload_content_type"), rs.getBoolean("payload_truncated"));
		return new ParkedEvent(rs.getString("projection"), metadata, payload, rs.getString("reason"),
				(parkedAt != null) ? parkedAt : Instant.EPOCH);
	}

	/**
	 * A parked event.
	 *
	 * @param projection the projection that parked it
	 * @param metadata the event's metadata
	 * @param payload its payload, as parked
	 * @param reason why it was parked
	 * @param parkedAt when
	 */
	public record ParkedEvent(String projection, EventMetadata metadata, ParkedPayload payload, String reason,
			Instant parkedAt) {

	}

}
