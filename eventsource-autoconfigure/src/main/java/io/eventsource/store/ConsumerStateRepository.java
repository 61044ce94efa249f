package io.eventsource.store;

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
		String column = (this.databaseType == DatabaseType.POSTGRESQL) ? "cursor" : "`cursor`";
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
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			this.jdbc.update("INSERT INTO message_consumer_state (consumer_name, cursor, last_updated_at) "
					+ "VALUES (?, ?, ?) ON CONFLICT (consumer_name) DO UPDATE SET cursor = EXCLUDED.cursor, "
					+ "last_updated_at = EXCLUDED.last_updated_at", consumerName, cursor, at);
		}
		else {
			this.jdbc.update("INSERT INTO message_consumer_state (consumer_name, `cursor`, last_updated_at) "
					+ "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `cursor` = VALUES(`cursor`), "
					+ "last_updated_at = VALUES(last_updated_at)", consumerName, cursor, at);
		}
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
		String column = (this.databaseType == DatabaseType.POSTGRESQL) ? "cursor" : "`cursor`";
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			this.jdbc.update("INSERT INTO message_consumer_state (consumer_name, cursor, last_updated_at) "
					+ "VALUES (?, ?, ?) ON CONFLICT (consumer_name) DO NOTHING", consumerName, value, at);
		}
		else {
			this.jdbc.update("INSERT IGNORE INTO message_consumer_state (consumer_name, `cursor`, last_updated_at) "
					+ "VALUES (?, ?, ?)", consumerName, value, at);
		}
		return this.jdbc.queryForObject("SELECT " + column + " FROM message_consumer_state WHERE consumer_name = ?",
				String.class, consumerName);
	}

}
