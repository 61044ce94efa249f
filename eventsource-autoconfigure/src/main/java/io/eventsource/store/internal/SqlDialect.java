package io.eventsource.store.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the store's statements need that differs between the databases: one implementation
 * per database holds every statement of its own, so that the repositories never ask which
 * database they run on.
 */
abstract sealed class SqlDialect permits PostgresqlDialect, MysqlDialect {

	/**
	 * Returns the JDBC value of an instant for the timestamp columns, of a
	 * {@code java.time} type, so that neither the JVM's zone nor its locale's calendar
	 * changes what is stored.
	 * @param instant the instant
	 * @return the value to bind
	 */
	abstract Object timestamp(Instant instant);

	/**
	 * Reads an instant written with {@link #timestamp(Instant)}.
	 * @param rs the result set
	 * @param column the column index
	 * @return the instant, or {@code null} for SQL {@code NULL}
	 * @throws SQLException on a JDBC error
	 */
	abstract @Nullable Instant instant(ResultSet rs, int column) throws SQLException;

	/**
	 * Quotes a column name that is a reserved word in this database.
	 * @param column the column name
	 * @return the name to write in a statement
	 */
	abstract String column(String column);

	/**
	 * Turns an {@code INSERT INTO table (...) VALUES (...)} into one that inserts
	 * nothing, and fails on nothing, when a row of the same key is there.
	 * @param insert the insert
	 * @param key the columns of the key, or {@code null} for any unique key
	 * @return the statement
	 */
	abstract String insertIfAbsent(String insert, @Nullable String key);

	/**
	 * Turns an {@code INSERT INTO table (...) VALUES (...)} into one that, when a row of
	 * the same key is there, sets the given columns of that row to the inserted values.
	 * @param insert the insert
	 * @param key the columns of the key
	 * @param replaced the columns to set, as written in the statement
	 * @return the statement
	 */
	abstract String upsert(String insert, String key, String... replaced);

	/**
	 * Returns the statement that records what a projection did with an event in
	 * {@code message_acks}: inserts the row, or counts the attempt and keeps the last
	 * error, and never turns an {@code ok} row back. The parameters: message id, service,
	 * projection, status, last error, aggregate type, aggregate id, sequence, time.
	 * @return the statement
	 */
	abstract String recordAck();

	/**
	 * Allocates the next sequence of an aggregate, from 1, in the caller's transaction;
	 * the row stays locked until it ends.
	 * @param jdbc the JDBC template
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return the sequence
	 */
	abstract long nextSequence(JdbcTemplate jdbc, String aggregateType, String aggregateId);

	/**
	 * Returns the statement that allocates an aggregate's next sequence and inserts the
	 * event with it at once, returning the sequence, or {@code null} when this database
	 * needs two. The parameters: aggregate type and id, then the event's message id,
	 * topic, aggregate id, type, payload, headers and time.
	 * @return the statement, or {@code null}
	 */
	abstract @Nullable String appendWithNextSequence();

	/**
	 * Returns the position of a projection for an aggregate, inserting it at sequence 0
	 * when there is none, and locks it until the transaction ends.
	 * @param jdbc the JDBC template
	 * @param key service, projection, aggregate type and aggregate id
	 * @param now the time, for a new row
	 * @return the position
	 */
	abstract ProjectionPosition lockPosition(JdbcTemplate jdbc, Object[] key, Object now);

	/**
	 * Moves a projection's position for an aggregate from one sequence to a later one
	 * when it is at the first and not parked, and locks it until the transaction ends, in
	 * one statement; from sequence {@code 0} it also inserts the position when there is
	 * none.
	 * @param jdbc the JDBC template
	 * @param key service, projection, aggregate type and aggregate id
	 * @param from the sequence the position must be at
	 * @param to the sequence to move it to
	 * @param now the time
	 * @return whether it moved; {@code false} leaves the position unchanged, also where
	 * this database cannot do it in one statement without locking more than the row
	 */
	abstract boolean advancePositionIfAt(JdbcTemplate jdbc, Object[] key, long from, long to, Object now);

}
