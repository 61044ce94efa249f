package io.eventsource.store.internal;

import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * eventsource's own Flyway next to the application's, on PostgreSQL and MariaDB.
 */
class SchemaMigrationIntegrationTests {

	@ParameterizedTest
	@EnumSource(Database.class)
	void libraryAndApplicationMigrateSideBySide(Database database) {
		String appSchema = "app_" + TestServices.randomSuffix();
		EventSourceContexts.runner(database, "catalog")
			.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues("eventsource.relay.enabled=false", "spring.flyway.schemas=" + appSchema,
					"spring.flyway.locations=classpath:db/app-test")
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
				try {
					assertThat(context).hasNotFailed();
					assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + appSchema + ".flyway_schema_history",
							Integer.class))
						.isPositive();
					assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + appSchema + ".app_orders", Integer.class))
						.isZero();
					assertThat(jdbc.queryForList("SELECT version FROM " + SchemaMigration.HISTORY_TABLE
							+ " WHERE success = " + ((database == Database.POSTGRESQL) ? "true" : "1"), String.class))
						.contains("1");
					for (String table : new String[] { "public_messages", "message_acks", "message_consumer_state",
							"aggregate_sequences", "outbox_relay_lock" }) {
						jdbc.queryForList("SELECT COUNT(*) FROM " + table);
					}
				}
				finally {
					jdbc.execute("DROP " + ((database == Database.POSTGRESQL) ? "SCHEMA " + appSchema + " CASCADE"
							: "DATABASE " + appSchema));
				}
			});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void libraryMigratesNextToTheApplicationsFlywayInTheSameSchema(Database database) {
		String schema = "shared_" + TestServices.randomSuffix();
		withFreshSchema(database, schema,
				(url) -> EventSourceContexts.runner(database, "catalog")
					.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
					.withPropertyValues("eventsource.relay.enabled=false", "spring.datasource.url=" + url,
							"spring.flyway.locations=classpath:db/app-test")
					.run((context) -> {
						assertThat(context).hasNotFailed();
						JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
						assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM flyway_schema_history", Integer.class))
							.isPositive();
						assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM app_orders", Integer.class)).isZero();
						assertThat(jdbc.queryForList("SELECT version FROM eventsource_schema_history", String.class))
							.contains("1");
						assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM public_messages", Integer.class)).isZero();
					}));
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void migrationCanBeSwitchedOff(Database database) {
		String schema = "manual_" + TestServices.randomSuffix();
		withFreshSchema(database, schema,
				(url) -> EventSourceContexts.runner(database, "catalog")
					.withPropertyValues("eventsource.relay.enabled=false", "eventsource.schema.migrate=false",
							"spring.datasource.url=" + url)
					.run((context) -> {
						assertThat(context).hasNotFailed();
						JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
						assertThat(tableCount(jdbc, database, schema)).isZero();
					}));
	}

	private static int tableCount(JdbcTemplate jdbc, Database database, String schema) {
		Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?",
				Integer.class, schema);
		return (count != null) ? count : 0;
	}

	private static void withFreshSchema(Database database, String schema, java.util.function.Consumer<String> test) {
		org.springframework.jdbc.datasource.SimpleDriverDataSource admin = new org.springframework.jdbc.datasource.SimpleDriverDataSource();
		admin.setUrl(TestServices.jdbcUrl(database));
		admin.setUsername(TestServices.username(database));
		admin.setPassword("");
		try {
			admin.setDriverClass(
					(database == Database.POSTGRESQL) ? org.postgresql.Driver.class : org.mariadb.jdbc.Driver.class);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		JdbcTemplate jdbc = new JdbcTemplate(admin);
		String url;
		if (database == Database.POSTGRESQL) {
			jdbc.execute("CREATE SCHEMA " + schema);
			url = TestServices.jdbcUrl(database) + "?currentSchema=" + schema;
		}
		else {
			jdbc.execute("CREATE DATABASE " + schema);
			url = TestServices.jdbcUrl(database).replace("/test", "/" + schema);
		}
		try {
			test.accept(url);
		}
		finally {
			jdbc.execute((database == Database.POSTGRESQL) ? "DROP SCHEMA " + schema + " CASCADE"
					: "DROP DATABASE " + schema);
		}
	}

}
