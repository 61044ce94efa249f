package io.eventsource.benchmarks;

import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.util.Collection;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads and deletes the benchmark's rows of {@code public_messages} and
 * {@code aggregate_sequences}.
 */
class OutboxRows {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(5);

	private final JdbcTemplate jdbc;

	private final boolean postgresql;

	OutboxRows(JdbcTemplate jdbc, boolean postgresql) {
		this.jdbc = jdbc;
		this.postgresql = postgresql;
	}

	/**
	 * Waits until no row of an aggregate type is left unrelayed, polling every few
	 * milliseconds.
	 * @param aggregateType the aggregate type
	 * @param deadlineNanos the {@link System#nanoTime()} past which to give up
	 * @throws InterruptedException if interrupted while waiting
	 * @throws IllegalStateException if rows are still unrelayed at the deadline
	 */
	void awaitRelayed(String aggregateType, long deadlineNanos) throws InterruptedException {
		while (true) {
			long unrelayed = unrelayed(aggregateType);
			if (unrelayed == 0) {
				return;
			}
			if (System.nanoTime() - deadlineNanos > 0) {
				throw new IllegalStateException(unrelayed + " events of " + aggregateType
						+ " are still not relayed at the end of the run timeout (bench.run-timeout)");
			}
			Thread.sleep(POLL_INTERVAL.toMillis());
		}
	}

	/**
	 * Vacuums the library's tables on PostgreSQL (not on other databases, whose engines
	 * purge old row versions themselves). Every event leaves a dead row version in
	 * {@code public_messages} (the relay's mark) and in {@code projection_positions};
	 * without autovacuum, which this machine's PostgreSQL runs without, they pile up over
	 * a benchmark (595 MB of {@code public_messages} for 494 live rows once), and every
	 * scan and index of those tables with them. The vacuum's own time is in no figure;
	 * with autovacuum it would run beside the runs.
	 */
	void vacuum() {
		if (this.postgresql) {
			this.jdbc
				.execute("VACUUM (ANALYZE) public_messages, aggregate_sequences, message_acks, projection_positions");
		}
	}

	/**
	 * Counts the rows of an aggregate type not yet marked relayed.
	 * @param aggregateType the aggregate type
	 * @return the count
	 */
	long unrelayed(String aggregateType) {
		Long count = this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM public_messages WHERE relayed_at IS NULL AND topic = ?", Long.class,
				aggregateType);
		return (count != null) ? count : 0;
	}

	/**
	 * Returns the database product and version.
	 * @return for example {@code PostgreSQL 15.2}
	 */
	String databaseVersion() {
		String version = this.jdbc.execute((ConnectionCallback<String>) (connection) -> {
			DatabaseMetaData metaData = connection.getMetaData();
			return metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion();
		});
		return (version != null) ? version : "unknown database";
	}

	/**
	 * Deletes every row of some aggregate types.
	 * @param aggregateTypes the aggregate types
	 * @return the deleted events
	 */
	int delete(Collection<String> aggregateTypes) {
		int deleted = 0;
		for (String aggregateType : aggregateTypes) {
			deleted += this.jdbc.update("DELETE FROM public_messages WHERE topic = ?", aggregateType);
			this.jdbc.update("DELETE FROM aggregate_sequences WHERE aggregate_type = ?", aggregateType);
		}
		return deleted;
	}

}
