package io.eventsource.store.internal;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * The databases eventsource stores its tables in. Each has its own folder of migrations
 * under {@code db/eventsource/} and its own {@link SqlDialect} with the few statements
 * that differ.
 */
public enum DatabaseType {

	/** PostgreSQL. */
	POSTGRESQL("postgresql", new PostgresqlDialect(), "PostgreSQL"),

	/** MySQL and MariaDB, which share the MySQL scripts. */
	MYSQL("mysql", new MysqlDialect(), "MySQL", "MariaDB");

	private final String folder;

	private final SqlDialect dialect;

	private final String[] productNames;

	DatabaseType(String folder, SqlDialect dialect, String... productNames) {
		this.folder = folder;
		this.dialect = dialect;
		this.productNames = productNames;
	}

	/**
	 * Returns the statements of this database.
	 * @return the dialect
	 */
	SqlDialect dialect() {
		return this.dialect;
	}

	/**
	 * Returns the classpath location of this database's migrations.
	 * @return the Flyway location
	 */
	public String migrationLocation() {
		return "classpath:db/eventsource/" + this.folder;
	}

	/**
	 * Returns the JDBC value of an instant for this database's timestamp columns
	 * ({@code TIMESTAMP WITH TIME ZONE} on PostgreSQL, {@code DATETIME(6)} in UTC on
	 * MySQL). Uses {@code java.time} types, so that neither the JVM's zone nor its
	 * locale's calendar changes what is stored.
	 * @param instant the instant
	 * @return the value to bind
	 */
	public Object toSql(Instant instant) {
		return this.dialect.timestamp(instant);
	}

	/**
	 * Reads an instant written with {@link #toSql(Instant)}.
	 * @param rs the result set
	 * @param column the column index
	 * @return the instant, or {@code null} for SQL {@code NULL}
	 * @throws SQLException on a JDBC error
	 */
	public @Nullable Instant fromSql(ResultSet rs, int column) throws SQLException {
		return this.dialect.instant(rs, column);
	}

	/**
	 * Detects the type of the database behind a {@link DataSource}.
	 * @param dataSource the data source
	 * @return the database type
	 * @throws UnsupportedDatabaseException if it is none of the supported ones
	 */
	public static DatabaseType of(DataSource dataSource) {
		String productName;
		try {
			productName = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Could not read the database product name to choose eventsource's SQL", ex);
		}
		return fromProductName(productName);
	}

	/**
	 * Returns the type for a JDBC database product name.
	 * @param productName the product name reported by the driver
	 * @return the database type
	 * @throws UnsupportedDatabaseException if it is none of the supported ones
	 */
	public static DatabaseType fromProductName(String productName) {
		String name = productName.toLowerCase(Locale.ROOT);
		for (DatabaseType type : values()) {
			for (String candidate : type.productNames) {
				if (name.contains(candidate.toLowerCase(Locale.ROOT))) {
					return type;
				}
			}
		}
		throw new UnsupportedDatabaseException(productName, supported());
	}

	static String supported() {
		return Arrays.stream(values())
			.flatMap((type) -> Arrays.stream(type.productNames))
			.collect(Collectors.joining(", "));
	}

}
