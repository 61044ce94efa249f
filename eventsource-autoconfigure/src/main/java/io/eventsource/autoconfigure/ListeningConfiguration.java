package io.eventsource.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.listen.GapListener;
import io.eventsource.listen.internal.catchup.CatchUp;
import io.eventsource.listen.internal.dispatch.DispatchPolicies;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.HistoryStart;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.dispatch.ListenerStorage;
import io.eventsource.listen.internal.dispatch.ListenerTransactions;
import io.eventsource.listen.internal.dispatch.ParkedEventOperations;
import io.eventsource.listen.internal.dispatch.ParkedEventsGauge;
import io.eventsource.listen.internal.handler.EventPayloads;
import io.eventsource.listen.internal.handler.EventSourceListenerAnnotationBeanPostProcessor;
import io.eventsource.listen.internal.partitioned.PartitionedListenerContainer;
import io.eventsource.listen.internal.peraggregate.PerAggregateListenerContainer;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.store.internal.ConsumerStateRepository;
import io.eventsource.store.internal.DatabaseType;
import io.eventsource.store.internal.MessageAckRepository;
import io.eventsource.store.internal.ParkedEventRepository;
import io.eventsource.store.internal.ProjectionPositionRepository;
import io.eventsource.topology.internal.AggregateTopologies;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Listening, unless {@code eventsource.listener.enabled=false}: the inbox, the
 * dispatcher, parking, and the two listener containers.
 */
@ConditionalOnBooleanProperty(name = "eventsource.listener.enabled", matchIfMissing = true)
@Configuration(proxyBeanMethods = false)
class ListeningConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EventPayloads eventSourceEventPayloads(JsonMapper jsonMapper) {
		return new EventPayloads(jsonMapper);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOn(EventSourceAutoConfiguration.SCHEMA_INITIALIZER)
	MessageAckRepository eventSourceMessageAckRepository(DataSource dataSource, DatabaseType databaseType) {
		return new MessageAckRepository(new JdbcTemplate(dataSource), databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOn(EventSourceAutoConfiguration.SCHEMA_INITIALIZER)
	ProjectionPositionRepository eventSourceProjectionPositionRepository(DataSource dataSource,
			DatabaseType databaseType) {
		return new ProjectionPositionRepository(new JdbcTemplate(dataSource), databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOn(EventSourceAutoConfiguration.SCHEMA_INITIALIZER)
	ParkedEventRepository eventSourceParkedEventRepository(DataSource dataSource, JsonMapper jsonMapper,
			DatabaseType databaseType) {
		return new ParkedEventRepository(new JdbcTemplate(dataSource), jsonMapper, databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	ListenerStorage eventSourceListenerStorage(MessageAckRepository acks, ProjectionPositionRepository positions,
			ParkedEventRepository parked, DataSource dataSource,
			ObjectProvider<PlatformTransactionManager> transactionManager) {
		return new ListenerStorage(acks, positions, parked, dataSource,
				listenerTransactions(dataSource, transactionManager));
	}

	@Bean
	@ConditionalOnMissingBean
	ListenerMetrics eventSourceListenerMetrics(ObjectProvider<MeterRegistry> meterRegistry, ServiceName serviceName) {
		return new ListenerMetrics(Infrastructure.meters(meterRegistry), serviceName.value());
	}

	@Bean
	@ConditionalOnMissingBean
	EventDispatcher eventSourceEventDispatcher(EventSourceListenerAnnotationBeanPostProcessor listeners,
			EventPayloads payloads, ListenerStorage storage, ServiceName serviceName, ListenerMetrics metrics,
			EventSourceProperties properties, ObjectProvider<GapListener> gaps, HistoryStart history) {
		DispatchPolicies policies = new DispatchPolicies(
				ListenerSettingsFactory.parkingPolicy(properties.getListener()), history,
				gaps.getIfAvailable(() -> GapListener.NONE));
		return new EventDispatcher(listeners.getEventHandlers(), payloads, storage, policies, serviceName.value(),
				metrics, Infrastructure.CLOCK);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOn(EventSourceAutoConfiguration.SCHEMA_INITIALIZER)
	ConsumerStateRepository eventSourceConsumerStateRepository(DataSource dataSource, DatabaseType databaseType) {
		return new ConsumerStateRepository(new JdbcTemplate(dataSource), databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	HistoryStart eventSourceHistoryStart(ConsumerStateRepository state, ProjectionPositionRepository positions,
			ServiceName serviceName, EventSourceProperties properties) {
		return new HistoryStart(state, positions, serviceName.value(),
				properties.getReplay().getCatchUpFrom() == EventSourceProperties.CatchUpStart.NOW,
				Infrastructure.CLOCK);
	}

	@Bean
	@ConditionalOnMissingBean
	ParkedEventOperations eventSourceParkedEventOperations(EventSourceListenerAnnotationBeanPostProcessor listeners,
			EventPayloads payloads, ListenerStorage storage, ServiceName serviceName) {
		return new ParkedEventOperations(listeners.getEventHandlers(), payloads, storage, serviceName.value(),
				Infrastructure.CLOCK);
	}

	@Bean
	@ConditionalOnMissingBean
	ParkedEventsGauge eventSourceParkedEventsGauge(EventSourceListenerAnnotationBeanPostProcessor listeners,
			ParkedEventRepository parked, ObjectProvider<MeterRegistry> meterRegistry, ServiceName serviceName) {
		return new ParkedEventsGauge(listeners.getEventHandlers(), parked, Infrastructure.meters(meterRegistry),
				serviceName.value(), Duration.ofSeconds(5));
	}

	@Bean
	@ConditionalOnMissingBean
	PerAggregateListenerContainer eventSourceListenerContainer(ConnectionFactory connectionFactory,
			EventSourceListenerAnnotationBeanPostProcessor listeners, AggregateTopologies topologies,
			EventDispatcher dispatcher, ServiceRegistry registry, ListenerMetrics metrics, ServiceName serviceName,
			EventSourceProperties properties, ObjectProvider<CatchUp> catchUp) {
		PerAggregateListenerContainer container = new PerAggregateListenerContainer(connectionFactory,
				listeners.getEventHandlers(), topologies, dispatcher, registry, metrics,
				ListenerSettingsFactory.perAggregateSettings(serviceName, properties));
		container.setHeartbeatRecovered(() -> catchUp.ifAvailable(CatchUp::catchUpAfterOutage));
		return container;
	}

	@Bean
	@ConditionalOnMissingBean
	PartitionedListenerContainer eventSourcePartitionedListenerContainer(ConnectionFactory connectionFactory,
			EventSourceListenerAnnotationBeanPostProcessor listeners, AggregateTopologies topologies,
			EventDispatcher dispatcher, ListenerMetrics metrics, ServiceName serviceName,
			EventSourceProperties properties) {
		return new PartitionedListenerContainer(connectionFactory, listeners.getEventHandlers(), topologies, dispatcher,
				metrics, ListenerSettingsFactory.listenerSettings(serviceName, properties),
				ListenerSettingsFactory.partitionSettings(properties));
	}

	private static TransactionTemplate listenerTransactions(DataSource dataSource,
			ObjectProvider<PlatformTransactionManager> transactionManager) {
		return new TransactionTemplate(ListenerTransactions.managerFor(dataSource, transactionManager.getIfUnique()));
	}

}
