package io.eventsource.store.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;

/**
 * The {@code process_instances} table: per service, one row per process manager instance
 * (process type and correlation id) with the definition version it runs, its status and
 * its last state as JSON. The row follows the instance's event stream in
 * {@code public_messages}, which stays the source of truth.
 */
public class ProcessInstanceRepository {

	private static final String COLUMNS = "process_type, process_id, version, status, state, started_at, updated_at";

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	public ProcessInstanceRepository(JdbcTemplate jdbc, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
	}

	/**
	 * Inserts a running instance unless the service already has one of that type and id.
	 * @param service the service
	 * @param processType the process type
	 * @param processId the process id (the correlation id)
	 * @param version the definition version it starts on
	 * @param now the time
	 * @return whether it was inserted
	 */
	public boolean insertIfAbsent(String service, String processType, String processId, int version, Instant now) {
		Object at = this.databaseType.toSql(now);
		return this.jdbc.update(this.databaseType.dialect()
			.insertIfAbsent("INSERT INTO process_instances (service, process_type, process_id, version, status, "
					+ "started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", null),
				service, processType, processId, version, ProcessStatus.RUNNING.name(), at, at) == 1;
	}

	/**
	 * Returns an instance.
	 * @param service the service
	 * @param processType the process type
	 * @param processId the process id
	 * @return the instance, or {@code null} when the service has none of that type and id
	 */
	public @Nullable ProcessInstance find(String service, String processType, String processId) {
		List<ProcessInstance> found = this.jdbc.query(
				"SELECT " + COLUMNS
						+ " FROM process_instances WHERE service = ? AND process_type = ? AND process_id = ?",
				this::instance, service, processType, processId);
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * Records what handling an event of an instance made of it.
	 * @param service the service
	 * @param processType the process type
	 * @param processId the process id
	 * @param version the definition version it runs
	 * @param status its status
	 * @param state its state as JSON, or {@code null} for none
	 * @param now the time
	 */
	public void update(String service, String processType, String processId, int version, ProcessStatus status,
			@Nullable String state, Instant now) {
		this.jdbc.update(
				"UPDATE process_instances SET version = ?, status = ?, state = ?, updated_at = ? "
						+ "WHERE service = ? AND process_type = ? AND process_id = ?",
				version, status.name(), state, this.databaseType.toSql(now), service, processType, processId);
	}

	/**
	 * Lists instances, oldest first.
	 * @param service the service
	 * @param processType the process type
	 * @param status the status to list, or {@code null} for all
	 * @param limit the most to list
	 * @return the instances
	 */
	public List<ProcessInstance> list(String service, String processType, @Nullable ProcessStatus status, int limit) {
		Assert.isTrue(limit > 0, "'limit' must be positive");
		if (status == null) {
			return this.jdbc
				.query("SELECT " + COLUMNS + " FROM process_instances WHERE service = ? AND process_type = ? "
						+ "ORDER BY started_at, process_id LIMIT ?", this::instance, service, processType, limit);
		}
		return this.jdbc.query(
				"SELECT " + COLUMNS + " FROM process_instances WHERE service = ? AND process_type = ? AND status = ? "
						+ "ORDER BY started_at, process_id LIMIT ?",
				this::instance, service, processType, status.name(), limit);
	}

	/**
	 * Counts the instances of a process type by status.
	 * @param service the service
	 * @param processType the process type
	 * @return the count by status, for the statuses that have instances
	 */
	public Map<ProcessStatus, Long> countByStatus(String service, String processType) {
		Map<ProcessStatus, Long> counts = new LinkedHashMap<>();
		this.jdbc.query("SELECT status, COUNT(*) FROM process_instances WHERE service = ? AND process_type = ? "
				+ "GROUP BY status ORDER BY status", (rs) -> {
					counts.put(ProcessStatus.valueOf(rs.getString(1)), rs.getLong(2));
				}, service, processType);
		return counts;
	}

	private ProcessInstance instance(ResultSet rs, int row) throws SQLException {
		Instant startedAt = this.databaseType.fromSql(rs, 6);
		Instant updatedAt = this.databaseType.fromSql(rs, 7);
		Assert.state(startedAt != null && updatedAt != null, "process_instances row without times");
		return new ProcessInstance(rs.getString(1), rs.getString(2), rs.getInt(3),
				ProcessStatus.valueOf(rs.getString(4)), rs.getString(5), startedAt, updatedAt);
	}

	/**
	 * The status of a process instance.
	 */
	public enum ProcessStatus {

		/** Started and not completed: it receives the events of its correlation id. */
		RUNNING,

		/** Completed: later events of its correlation id are not routed to it. */
		COMPLETED

	}

	/**
	 * A process manager instance.
	 *
	 * @param processType the process type
	 * @param processId the process id (the correlation id it follows)
	 * @param version the definition version it runs
	 * @param status its status
	 * @param state its state as JSON after the last event it handled, or {@code null}
	 * @param startedAt when it started
	 * @param updatedAt when it last handled an event
	 */
	public record ProcessInstance(String processType, String processId, int version, ProcessStatus status,
			@Nullable String state, Instant startedAt, Instant updatedAt) {

	}

}
