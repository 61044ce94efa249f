package io.eventsource.store.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the statements {@link SqlDialect} builds; the store's integration tests run
 * them on both databases.
 */
class SqlDialectTests {

	private static final String INSERT = "INSERT INTO process_timeouts (service, name, due_at) VALUES (?, ?, ?)";

	@Test
	void anInsertIfAbsentIgnoresTheKeyItIsGivenOrAny() {
		assertThat(DatabaseType.POSTGRESQL.dialect().insertIfAbsent(INSERT, "service, name"))
			.isEqualTo(INSERT + " ON CONFLICT (service, name) DO NOTHING");
		assertThat(DatabaseType.POSTGRESQL.dialect().insertIfAbsent(INSERT, null))
			.isEqualTo(INSERT + " ON CONFLICT DO NOTHING");
		assertThat(DatabaseType.MYSQL.dialect().insertIfAbsent(INSERT, "service, name"))
			.isEqualTo("INSERT IGNORE INTO process_timeouts (service, name, due_at) VALUES (?, ?, ?)");
	}

	@Test
	void anUpsertSetsTheGivenColumnsToTheInsertedValues() {
		assertThat(DatabaseType.POSTGRESQL.dialect().upsert(INSERT, "service, name", "due_at", "`x`")).isEqualTo(INSERT
				+ " ON CONFLICT (service, name) DO UPDATE SET due_at = EXCLUDED.due_at, " + "`x` = EXCLUDED.`x`");
		assertThat(DatabaseType.MYSQL.dialect().upsert(INSERT, "service, name", "due_at", "`x`"))
			.isEqualTo(INSERT + " ON DUPLICATE KEY UPDATE due_at = VALUES(due_at), `x` = VALUES(`x`)");
	}

	@Test
	void onlyAnInsertCanBeMadeToIgnoreItsConflicts() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DatabaseType.MYSQL.dialect().insertIfAbsent("UPDATE t SET a = 1", null))
			.withMessageContaining("Not an insert");
	}

	@Test
	void aReservedColumnNameIsQuotedWhereItIsReserved() {
		assertThat(DatabaseType.POSTGRESQL.dialect().column("cursor")).isEqualTo("cursor");
		assertThat(DatabaseType.MYSQL.dialect().column("cursor")).isEqualTo("`cursor`");
	}

}
