package io.eventsource.store.internal;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link UnsupportedDatabaseFailureAnalyzer} and {@link DatabaseType}
 * detection.
 */
class UnsupportedDatabaseFailureAnalyzerTests {

	@Test
	void productNamesMapToDatabaseTypes() {
		assertThat(DatabaseType.fromProductName("PostgreSQL")).isEqualTo(DatabaseType.POSTGRESQL);
		assertThat(DatabaseType.fromProductName("MariaDB")).isEqualTo(DatabaseType.MYSQL);
		assertThat(DatabaseType.fromProductName("MySQL")).isEqualTo(DatabaseType.MYSQL);
	}

	@Test
	void analysisNamesTheDatabaseAndTheSupportedOnes() {
		UnsupportedDatabaseException failure = catchUnsupported("H2");
		FailureAnalysis analysis = new UnsupportedDatabaseFailureAnalyzer()
			.analyze(new IllegalStateException("wrapped", failure));
		assertThat(analysis.getDescription()).contains("'H2'");
		assertThat(analysis.getAction()).contains("PostgreSQL, MySQL, MariaDB").contains("spring.datasource.url");
	}

	private static UnsupportedDatabaseException catchUnsupported(String productName) {
		UnsupportedDatabaseException[] caught = new UnsupportedDatabaseException[1];
		assertThatExceptionOfType(UnsupportedDatabaseException.class)
			.isThrownBy(() -> DatabaseType.fromProductName(productName))
			.satisfies((ex) -> caught[0] = ex);
		return caught[0];
	}

}
