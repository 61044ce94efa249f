package io.eventsource.store.internal;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;

/**
 * Runs the {@link SchemaMigration} when the application starts, before any bean that
 * reads or writes eventsource's tables; does nothing when migration is switched off.
 */
public class SchemaInitializer implements InitializingBean {

	private final @Nullable SchemaMigration migration;

	/**
	 * Creates an initializer.
	 * @param migration the migration to run, or {@code null} when the tables are managed
	 * by hand
	 */
	public SchemaInitializer(@Nullable SchemaMigration migration) {
		this.migration = migration;
	}

	@Override
	public void afterPropertiesSet() {
		if (this.migration != null) {
			this.migration.migrate();
		}
	}

}
