package io.eventsource.store.internal;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gives out gap-free sequences per aggregate from the {@code aggregate_sequences} table.
 * Must run inside a transaction: the row lock taken by an allocation is held until that
 * transaction ends, so concurrent publishers of one aggregate wait for each other, and
 * publishers of different aggregates never do.
 */
public class AggregateSequences {

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	public AggregateSequences(JdbcTemplate jdbc, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
	}

	/**
	 * Allocates the next sequence of an aggregate, waiting for any other transaction that
	 * holds the aggregate's row.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return the allocated sequence, from 1
	 */
	public long next(String aggregateType, String aggregateId) {
		return this.databaseType.dialect().nextSequence(this.jdbc, aggregateType, aggregateId);
	}

	/**
	 * Allocates the next sequence of an aggregate only if its last sequence is the
	 * expected one. Writes nothing when it is not.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param expectedLast the sequence of the aggregate's last event, {@code 0} for a new
	 * aggregate
	 * @return {@code expectedLast + 1}, or {@code -1} when the aggregate is not at the
	 * expected sequence
	 */
	public long nextIfAt(String aggregateType, String aggregateId, long expectedLast) {
		int updated;
		if (expectedLast == 0) {
			String insert = this.databaseType.dialect()
				.insertIfAbsent("INSERT INTO aggregate_sequences (aggregate_type, aggregate_id, last_sequence) "
						+ "VALUES (?, ?, 1)", "aggregate_type, aggregate_id");
			updated = this.jdbc.update(insert, aggregateType, aggregateId);
		}
		else if (last(aggregateType, aggregateId) == 0) {
			// no row: a locking UPDATE would take a gap lock on MySQL and hold up other
			// new aggregates
			return -1;
		}
		else {
			updated = this.jdbc.update(
					"UPDATE aggregate_sequences SET last_sequence = last_sequence + 1 "
							+ "WHERE aggregate_type = ? AND aggregate_id = ? AND last_sequence = ?",
					aggregateType, aggregateId, expectedLast);
		}
		return (updated == 1) ? expectedLast + 1 : -1;
	}

	/**
	 * Returns the last sequence given out for an aggregate.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return the last sequence, {@code 0} when the aggregate has no event yet
	 */
	public long last(String aggregateType, String aggregateId) {
		List<Long> last = this.jdbc.queryForList(
				"SELECT last_sequence FROM aggregate_sequences WHERE aggregate_type = ? AND aggregate_id = ?",
				Long.class, aggregateType, aggregateId);
		return last.isEmpty() ? 0 : last.get(0);
	}

}
