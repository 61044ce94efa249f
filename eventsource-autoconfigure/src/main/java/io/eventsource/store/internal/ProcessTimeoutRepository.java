package io.eventsource.store.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;

/**
 * The {@code process_timeouts} table: the deadlines process manager instances asked for,
 * one per (process, name), until they fire or are cancelled.
 */
public class ProcessTimeoutRepository {

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	public ProcessTimeoutRepository(JdbcTemplate jdbc, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
	}

	/**
	 * Schedules a timeout, replacing one of the same name.
	 * @param service the service
	 * @param processType the process type
	 * @param processId the process id
	 * @param name the timeout's name
	 * @param dueAt when it is due
	 */
	public void schedule(String service, String processType, String processId, String name, Instant dueAt) {
		Object due = this.databaseType.toSql(dueAt);
		this.jdbc.update(
				this.databaseType.dialect()
					.upsert("INSERT INTO process_timeouts (service, process_type, process_id, name, due_at) "
							+ "VALUES (?, ?, ?, ?, ?)", "service, process_type, process_id, name", "due_at"),
				service, processType, processId, name, due);
	}

	/**
	 * Cancels a timeout.
	 * @param service the service
	 * @param processType the process type
	 * @param processId the process id
	 * @param name the timeout's name
	 */
	public void cancel(String service, String processType, String processId, String name) {
		this.jdbc.update(
				"DELETE FROM process_timeouts WHERE service = ? AND process_type = ? AND process_id = ? AND name = ?",
				service, processType, processId, name);
	}

	/**
	 * Cancels every timeout of a process.
	 * @param service the service
	 * @param processType the process type
	 * @param processId the process id
	 */
	public void cancelAll(String service, String processType, String processId) {
		this.jdbc.update("DELETE FROM process_timeouts WHERE service = ? AND process_type = ? AND process_id = ?",
				service, processType, processId);
	}

	/**
	 * Takes the timeouts due, locking their rows for the caller's transaction and passing
	 * over rows another transaction holds.
	 * @param service the service
	 * @param now the time
	 * @param limit the most to take
	 * @return the timeouts, earliest first
	 */
	public List<Timeout> lockDue(String service, Instant now, int limit) {
		Assert.isTrue(limit > 0, "'limit' must be positive");
		return this.jdbc.query(
				"SELECT process_type, process_id, name, due_at FROM process_timeouts "
						+ "WHERE service = ? AND due_at <= ? ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED",
				this::timeout, service, this.databaseType.toSql(now), limit);
	}

	/**
	 * Returns the pending timeouts of a process.
	 * @param service the service
	 * @param processType the process type
	 * @param processId the process id
	 * @return its timeouts, earliest first
	 */
	public List<Timeout> pending(String service, String processType, String processId) {
		return this.jdbc.query(
				"SELECT process_type, process_id, name, due_at FROM process_timeouts WHERE service = ? "
						+ "AND process_type = ? AND process_id = ? ORDER BY due_at, name",
				this::timeout, service, processType, processId);
	}

	private Timeout timeout(ResultSet rs, int row) throws SQLException {
		Instant dueAt = this.databaseType.fromSql(rs, 4);
		Assert.state(dueAt != null, "process_timeouts row without due time");
		return new Timeout(rs.getString(1), rs.getString(2), rs.getString(3), dueAt);
	}

	/**
	 * A timeout of a process.
	 *
	 * @param processType the process type
	 * @param processId the process id
	 * @param name its name
	 * @param dueAt when it is due
	 */
	public record Timeout(String processType, String processId, String name, Instant dueAt) {

	}

}
