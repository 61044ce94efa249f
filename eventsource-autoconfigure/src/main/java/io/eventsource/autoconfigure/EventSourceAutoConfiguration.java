package io.eventsource.autoconfigure;

import javax.sql.DataSource;

import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.listen.internal.handler.EventSourceListenerAnnotationBeanPostProcessor;
import io.eventsource.listen.internal.handler.EventSourceListenerLazyInitializationExcludeFilter;
import io.eventsource.store.internal.DatabaseType;
import io.eventsource.store.internal.SchemaInitializer;
import io.eventsource.store.internal.SchemaMigration;

import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of eventsource: the service name, the schema and the discovery of
 * {@code @EventSourceListener} methods here; one imported configuration per concern for
 * the rest (topology, publishing, listening, replay, process managers). Wiring only: the
 * settings come from {@link ListenerSettingsFactory}.
 */
@AutoConfiguration(
		after = { DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class, JacksonAutoConfiguration.class, RabbitAutoConfiguration.class,
				DataRedisAutoConfiguration.class },
		afterName = { "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "eventsource.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EventSourceProperties.class)
@Import({ TopologyConfiguration.class, PublishingConfiguration.class, ListeningConfiguration.class,
		ReplayConfiguration.class, ProcessesConfiguration.class })
public final class EventSourceAutoConfiguration {

	static final String SCHEMA_INITIALIZER = "eventSourceSchemaInitializer";

	@Bean
	ServiceName eventSourceServiceName(EventSourceProperties properties, Environment environment) {
		return ServiceName.resolve(properties, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	DatabaseType eventSourceDatabaseType(DataSource dataSource) {
		return DatabaseType.of(dataSource);
	}

	@Bean(SCHEMA_INITIALIZER)
	@DependsOnDatabaseInitialization
	SchemaInitializer eventSourceSchemaInitializer(DataSource dataSource, DatabaseType databaseType,
			EventSourceProperties properties) {
		return new SchemaInitializer(
				properties.getSchema().isMigrate() ? new SchemaMigration(dataSource, databaseType) : null);
	}

	@Bean
	static EventSourceListenerAnnotationBeanPostProcessor eventSourceListenerAnnotationBeanPostProcessor() {
		return new EventSourceListenerAnnotationBeanPostProcessor();
	}

	@Bean
	static EventSourceListenerLazyInitializationExcludeFilter eventSourceListenerLazyInitializationExcludeFilter() {
		return new EventSourceListenerLazyInitializationExcludeFilter();
	}

}
