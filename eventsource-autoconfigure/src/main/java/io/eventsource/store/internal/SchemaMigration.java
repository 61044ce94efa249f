package io.eventsource.store.internal;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Migrates eventsource's own tables with a Flyway of its own, whose history table is
 * {@value #HISTORY_TABLE}, so that the application's Flyway and its history are
 * untouched.
 */
public class SchemaMigration {

	/** The Flyway history table of eventsource's migrations. */
	public static final String HISTORY_TABLE = "eventsource_schema_history";

	private static final Log logger = LogFactory.getLog(SchemaMigration.class);

	private final DataSource dataSource;

	private final DatabaseType databaseType;

	public SchemaMigration(DataSource dataSource, DatabaseType databaseType) {
		this.dataSource = dataSource;
		this.databaseType = databaseType;
	}

	/**
	 * Applies the pending migrations.
	 * @return the number of migrations applied
	 */
	public int migrate() {
		Flyway flyway = Flyway.configure(getClass().getClassLoader())
			.dataSource(this.dataSource)
			.table(HISTORY_TABLE)
			.locations(this.databaseType.migrationLocation())
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load();
		MigrateResult result = flyway.migrate();
		if (result.migrationsExecuted > 0) {
			logger.info("eventsource applied " + result.migrationsExecuted + " migration(s) to schema version "
					+ result.targetSchemaVersion);
		}
		return result.migrationsExecuted;
	}

}
