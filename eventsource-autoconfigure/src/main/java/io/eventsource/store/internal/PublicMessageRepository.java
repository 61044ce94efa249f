package io.eventsource.store.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The outbox, table {@code public_messages}: appends events, finds those not yet relayed,
 * and marks them relayed. The columns follow DESIGN.md's log table; the attributes that
 * have no column of their own (source, correlation and causation ids, extra headers) are
 * kept as JSON in {@code headers}.
 */
public class PublicMessageRepository {

	private static final String COLUMNS = "id, message_id, topic, aggregate_id, sequence, message_type, payload, "
			+ "headers, published_at";

	private static final int MAX_IN_LIST = 500;

	private final JdbcTemplate jdbc;

	private final HeadersJson headers;

	private final DatabaseType databaseType;

	private final RowMapper<StoredEvent> rowMapper = this::mapRow;

	public PublicMessageRepository(JdbcTemplate jdbc, JsonMapper jsonMapper, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.headers = new HeadersJson(jsonMapper);
		this.databaseType = databaseType;
	}

	/**
	 * Inserts an event in the caller's transaction.
	 * @param envelope the event, with its allocated sequence
	 */
	public void append(EventEnvelope envelope) {
		EventMetadata metadata = envelope.metadata();
		this.jdbc.update((connection) -> {
			var statement = connection.prepareStatement("INSERT INTO public_messages (message_id, topic, aggregate_id, "
					+ "sequence, message_type, payload, headers, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
			statement.setString(1, metadata.eventId().toString());
			statement.setString(2, metadata.aggregateType());
			statement.setString(3, metadata.aggregateId());
			statement.setLong(4, metadata.sequence());
			statement.setString(5, metadata.eventType());
			statement.setString(6, envelope.payload());
			statement.setString(7, this.headers.write(metadata));
			statement.setObject(8, this.databaseType.toSql(metadata.occurredAt()));
			return statement;
		});
	}

	/**
	 * Allocates the aggregate's next sequence and inserts the event with it, in the
	 * caller's transaction: one statement on PostgreSQL, the sequence upsert then the
	 * insert on MySQL.
	 * @param envelope the event, whose sequence is ignored
	 * @param sequences the sequence allocation, for databases that need a statement of
	 * its own
	 * @return the allocated sequence
	 */
	public long appendWithNextSequence(EventEnvelope envelope, AggregateSequences sequences) {
		EventMetadata metadata = envelope.metadata();
		String statement = this.databaseType.dialect().appendWithNextSequence();
		if (statement == null) {
			long sequence = sequences.next(metadata.aggregateType(), metadata.aggregateId());
			append(new EventEnvelope(metadata.withSequence(sequence), envelope.payload()));
			return sequence;
		}
		Long sequence = this.jdbc.queryForObject(statement, Long.class, metadata.aggregateType(),
				metadata.aggregateId(), metadata.eventId().toString(), metadata.aggregateType(), metadata.aggregateId(),
				metadata.eventType(), envelope.payload(), this.headers.write(metadata),
				this.databaseType.toSql(metadata.occurredAt()));
		if (sequence == null) {
			throw new IllegalStateException(
					"No sequence returned for " + metadata.aggregateType() + " '" + metadata.aggregateId() + "'");
		}
		return sequence;
	}

	/**
	 * Returns the oldest events not yet relayed after a row id, in insertion order.
	 * @param afterId the row id to start after, {@code 0} for the oldest
	 * @param limit the most rows to return
	 * @return the events
	 */
	public List<StoredEvent> findUnrelayed(long afterId, int limit) {
		return this.jdbc.query(
				"SELECT " + COLUMNS + " FROM public_messages WHERE relayed_at IS NULL AND id > ? ORDER BY id LIMIT ?",
				this.rowMapper, afterId, limit);
	}

	/**
	 * Returns which of some aggregates have a row not yet relayed at or below a row id:
	 * rows that became visible after a read that went past them (transactions commit in
	 * another order than their rows' ids).
	 * @param upToId the highest row id to look at
	 * @param aggregates the aggregates to look for
	 * @return those that have such a row
	 */
	public Set<AggregateRef> withUnrelayedUpTo(long upToId, Collection<AggregateRef> aggregates) {
		List<AggregateRef> all = List.copyOf(aggregates);
		Set<AggregateRef> found = new HashSet<>();
		int perChunk = MAX_IN_LIST / 2;
		for (int start = 0; start < all.size(); start += perChunk) {
			List<AggregateRef> chunk = all.subList(start, Math.min(all.size(), start + perChunk));
			String pairs = String.join(", ", Collections.nCopies(chunk.size(), "(?, ?)"));
			Object[] arguments = new Object[1 + 2 * chunk.size()];
			arguments[0] = upToId;
			for (int i = 0; i < chunk.size(); i++) {
				arguments[1 + 2 * i] = chunk.get(i).type();
				arguments[2 + 2 * i] = chunk.get(i).id();
			}
			this.jdbc.query("SELECT DISTINCT topic, aggregate_id FROM public_messages WHERE relayed_at IS NULL "
					+ "AND id <= ? AND (topic, aggregate_id) IN (" + pairs + ")", (rs) -> {
						found.add(new AggregateRef(rs.getString(1), rs.getString(2)));
					}, arguments);
		}
		return found;
	}

	/**
	 * Returns the events of an aggregate from a sequence on, in sequence order.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param fromSequence the first sequence to return
	 * @return the events
	 */
	public List<StoredEvent> findByAggregate(String aggregateType, String aggregateId, long fromSequence) {
		return this.jdbc.query(
				"SELECT " + COLUMNS + " FROM public_messages WHERE topic = ? AND aggregate_id = ? "
						+ "AND sequence >= ? ORDER BY sequence",
				this.rowMapper, aggregateType, aggregateId, fromSequence);
	}

	/**
	 * Returns the events of an aggregate in a range of sequences, in sequence order.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param fromSequence the first sequence to return
	 * @param toSequence the last sequence to return
	 * @param limit the most events to return
	 * @return the events
	 */
	public List<StoredEvent> findByAggregate(String aggregateType, String aggregateId, long fromSequence,
			long toSequence, int limit) {
		return this.jdbc.query(
				"SELECT " + COLUMNS + " FROM public_messages WHERE topic = ? AND aggregate_id = ? "
						+ "AND sequence >= ? AND sequence <= ? ORDER BY sequence LIMIT ?",
				this.rowMapper, aggregateType, aggregateId, fromSequence, toSequence, limit);
	}

	/**
	 * Returns the last sequence of an aggregate in the log: that of its last event
	 * committed, whether relayed or not.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return the last sequence, {@code 0} when the log holds no event of the aggregate
	 */
	public long lastSequence(String aggregateType, String aggregateId) {
		Long last = this.jdbc.queryForObject(
				"SELECT MAX(sequence) FROM public_messages WHERE topic = ? AND aggregate_id = ?", Long.class,
				aggregateType, aggregateId);
		return (last != null) ? last : 0;
	}

	/**
	 * Returns whether the log holds an event.
	 * @param messageId the event id
	 * @return whether an event with that id was appended
	 */
	public boolean contains(UUID messageId) {
		Integer found = this.jdbc.queryForObject("SELECT COUNT(*) FROM public_messages WHERE message_id = ?",
				Integer.class, messageId.toString());
		return found != null && found > 0;
	}

	/**
	 * Marks rows as relayed.
	 * @param ids the row ids
	 * @param relayedAt when the broker confirmed them
	 */
	public void markRelayed(List<Long> ids, Instant relayedAt) {
		for (int start = 0; start < ids.size(); start += MAX_IN_LIST) {
			List<Long> chunk = ids.subList(start, Math.min(ids.size(), start + MAX_IN_LIST));
			String placeholders = String.join(", ", Collections.nCopies(chunk.size(), "?"));
			this.jdbc.update((connection) -> {
				var statement = connection
					.prepareStatement("UPDATE public_messages SET relayed_at = ? WHERE id IN (" + placeholders + ")");
				statement.setObject(1, this.databaseType.toSql(relayedAt));
				for (int i = 0; i < chunk.size(); i++) {
					statement.setLong(i + 2, chunk.get(i));
				}
				return statement;
			});
		}
	}

	/**
	 * Locks the relay row until the current transaction ends, waiting while another relay
	 * holds it.
	 */
	public void lockRelay() {
		this.jdbc.queryForList("SELECT name FROM outbox_relay_lock WHERE name = 'relay' FOR UPDATE", String.class);
	}

	/**
	 * Counts the rows not yet relayed and finds the oldest.
	 * @return the backlog
	 */
	public OutboxBacklog backlog() {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*), MIN(published_at) FROM public_messages WHERE relayed_at IS NULL",
				(rs, rowNum) -> new OutboxBacklog(rs.getLong(1), this.databaseType.fromSql(rs, 2)));
	}

	/**
	 * Returns the relayed events of an aggregate type after a position in
	 * {@code (relayed_at, id)} order, up to a horizon. Only the relay, under its lease,
	 * writes {@code relayed_at}, and its marks commit soon after the time they write; a
	 * horizon longer than that makes the order safe to page through: a row that commits
	 * later gets a later {@code relayed_at}, so a cursor never passes a row that is not
	 * visible yet.
	 * @param aggregateType the aggregate type
	 * @param afterRelayedAt the {@code relayed_at} of the last event returned before
	 * @param afterId the id of that event
	 * @param horizon the latest {@code relayed_at} returned
	 * @param limit the most events to return
	 * @return the events, in {@code (relayed_at, id)} order
	 */
	public List<RelayedEvent> findRelayedAfter(String aggregateType, Instant afterRelayedAt, long afterId,
			Instant horizon, int limit) {
		Object after = this.databaseType.toSql(afterRelayedAt);
		return this.jdbc.query("SELECT " + COLUMNS + ", relayed_at FROM public_messages WHERE topic = ? "
				+ "AND relayed_at IS NOT NULL AND relayed_at <= ? AND (relayed_at > ? OR (relayed_at = ? AND id > ?)) "
				+ "ORDER BY relayed_at, id LIMIT ?",
				(rs, row) -> new RelayedEvent(mapRow(rs, row), this.databaseType.fromSql(rs, 10)), aggregateType,
				this.databaseType.toSql(horizon), after, after, afterId, limit);
	}

	private StoredEvent mapRow(ResultSet rs, int rowNum) throws SQLException {
		EventMetadata metadata = this.headers.metadata(rs.getString("message_id"), rs.getString("topic"),
				rs.getString("aggregate_id"), rs.getLong("sequence"), rs.getString("message_type"),
				this.databaseType.fromSql(rs, 9), rs.getString("headers"));
		return new StoredEvent(rs.getLong("id"), new EventEnvelope(metadata, rs.getString("payload")));
	}

}
