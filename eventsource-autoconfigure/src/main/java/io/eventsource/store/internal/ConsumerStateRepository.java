package io.eventsource.store.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code message_consumer_state} table: one cursor per consumer name.
 */
public class ConsumerStateRepository {

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	public ConsumerStateRepository(JdbcTemplate jdbc, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
	}

	/**
	 * Returns the cursors of the consumers whose names start with a prefix.
	 * @param prefix the prefix
	 * @return the cursor by consumer name
	 */
	public Map<String, String> cursors(String prefix) {
		Map<String, String> cursors = new LinkedHashMap<>();
		String escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
		String column = this.databaseType.dialect().column("cursor");
		this.jdbc.query("SELECT consumer_name, " + column + " FROM message_consumer_state WHERE consumer_name LIKE ?",
				(rs) -> {
					cursors.put(rs.getString(1), rs.getString(2));
				}, escaped + "%");
		return cursors;
	}

	/**
	 * Saves a consumer's cursor.
	 * @param consumerName the consumer name
	 * @param cursor the cursor
	 * @param now the time of the update
	 */
	public void save(String consumerName, String cursor, Instant now) {
		Object at = this.databaseType.toSql(now);
		SqlDialect dialect = this.databaseType.dialect();
		String column = dialect.column("cursor");
		this.jdbc.update(
				dialect.upsert("INSERT INTO message_consumer_state (consumer_name, " + column
						+ ", last_updated_at) VALUES (?, ?, ?)", "consumer_name", column, "last_updated_at"),
				consumerName, cursor, at);
	}

	/**
	 * Saves a value under a consumer name unless one is there, and returns the one that
	 * is there afterwards.
	 * @param consumerName the consumer name
	 * @param value the value to save when there is none
	 * @param now the time of the update
	 * @return the saved value: the given one, or the one saved before
	 */
	public String saveIfAbsent(String consumerName, String value, Instant now) {
		Object at = this.databaseType.toSql(now);
		SqlDialect dialect = this.databaseType.dialect();
		String column = dialect.column("cursor");
		this.jdbc.update(dialect.insertIfAbsent(
				"INSERT INTO message_consumer_state (consumer_name, " + column + ", last_updated_at) VALUES (?, ?, ?)",
				"consumer_name"), consumerName, value, at);
		return this.jdbc.queryForObject("SELECT " + column + " FROM message_consumer_state WHERE consumer_name = ?",
				String.class, consumerName);
	}

}
