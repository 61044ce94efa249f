package io.eventsource.autoconfigure;

import javax.sql.DataSource;

import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.listen.internal.handler.EventSourceListenerAnnotationBeanPostProcessor;
import io.eventsource.process.internal.ProcessCollaborators;
import io.eventsource.process.internal.ProcessManagerAnnotationBeanPostProcessor;
import io.eventsource.process.internal.ProcessManagers;
import io.eventsource.process.internal.ProcessMetrics;
import io.eventsource.process.internal.ProcessStore;
import io.eventsource.process.internal.ProcessTimeoutPoller;
import io.eventsource.publish.EventPublisher;
import io.eventsource.store.internal.DatabaseType;
import io.eventsource.store.internal.ProcessInstanceRepository;
import io.eventsource.store.internal.ProcessTimeoutRepository;
import io.eventsource.store.internal.PublicMessageRepository;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Process managers, unless {@code eventsource.listener.enabled=false}: their discovery,
 * store, runner and timeout poller.
 */
@ConditionalOnBooleanProperty(name = "eventsource.listener.enabled", matchIfMissing = true)
@Configuration(proxyBeanMethods = false)
class ProcessesConfiguration {

	@Bean
	static ProcessManagerAnnotationBeanPostProcessor eventSourceProcessManagerAnnotationBeanPostProcessor() {
		return new ProcessManagerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOn(EventSourceAutoConfiguration.SCHEMA_INITIALIZER)
	ProcessStore eventSourceProcessStore(PublicMessageRepository outbox, DataSource dataSource,
			DatabaseType databaseType) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		return new ProcessStore(outbox, new ProcessInstanceRepository(jdbc, databaseType),
				new ProcessTimeoutRepository(jdbc, databaseType));
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessManagers eventSourceProcessManagers(ServiceName serviceName,
			ProcessManagerAnnotationBeanPostProcessor processes,
			EventSourceListenerAnnotationBeanPostProcessor listeners, ProcessStore store, EventPublisher publisher,
			JsonMapper jsonMapper, ObjectProvider<MeterRegistry> meterRegistry) {
		return new ProcessManagers(
				new ProcessCollaborators(serviceName.value(), processes.getDefinitions(), store, publisher,
						new ProcessMetrics(Infrastructure.meters(meterRegistry)), Infrastructure.CLOCK),
				listeners.getEventHandlers(), jsonMapper);
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessTimeoutPoller eventSourceProcessTimeoutPoller(ServiceName serviceName,
			ProcessManagerAnnotationBeanPostProcessor processes, ProcessStore store, EventPublisher publisher,
			DataSource dataSource, EventSourceProperties properties) {
		return new ProcessTimeoutPoller(serviceName.value(), processes.getDefinitions(), store, publisher,
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
				properties.getProcesses().getTimeoutPollInterval(), Infrastructure.CLOCK);
	}

}
