package io.eventsource.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.listen.GapListener;
import io.eventsource.listen.internal.catchup.CatchUp;
import io.eventsource.listen.internal.catchup.CatchUpSettings;
import io.eventsource.listen.internal.catchup.GapRepair;
import io.eventsource.listen.internal.catchup.ReplayListener;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.HistoryStart;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.dispatch.ListenerTransactions;
import io.eventsource.listen.internal.dispatch.ParkedEvents;
import io.eventsource.listen.internal.dispatch.ParkedEventsGauge;
import io.eventsource.listen.internal.dispatch.ParkingPolicy;
import io.eventsource.listen.internal.handler.EventPayloads;
import io.eventsource.listen.internal.handler.EventSourceListenerAnnotationBeanPostProcessor;
import io.eventsource.listen.internal.handler.EventSourceListenerLazyInitializationExcludeFilter;
import io.eventsource.listen.internal.lane.ListenerSettings;
import io.eventsource.listen.internal.lane.RetryBackoff;
import io.eventsource.listen.internal.partitioned.PartitionSettings;
import io.eventsource.listen.internal.partitioned.PartitionedListenerContainer;
import io.eventsource.listen.internal.peraggregate.PerAggregateListenerContainer;
import io.eventsource.process.internal.ProcessManagerAnnotationBeanPostProcessor;
import io.eventsource.process.internal.ProcessManagers;
import io.eventsource.process.internal.ProcessMetrics;
import io.eventsource.process.internal.ProcessStore;
import io.eventsource.process.internal.ProcessTimeoutPoller;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.MessageDecorator;
import io.eventsource.publish.internal.OutboxEventPublisher;
import io.eventsource.publish.internal.OutboxRelay;
import io.eventsource.publish.internal.RelayAfterCommit;
import io.eventsource.publish.internal.RelayMetrics;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.registry.internal.CachingServiceRegistry;
import io.eventsource.registry.internal.RedisServiceRegistry;
import io.eventsource.replay.internal.ReplayRequester;
import io.eventsource.replay.internal.ReplayResponder;
import io.eventsource.store.internal.AggregateSequences;
import io.eventsource.store.internal.ConsumerStateRepository;
import io.eventsource.store.internal.DatabaseType;
import io.eventsource.store.internal.InboxRepository;
import io.eventsource.store.internal.OutboxRepository;
import io.eventsource.store.internal.ParkedEventRepository;
import io.eventsource.store.internal.ProcessInstanceRepository;
import io.eventsource.store.internal.ProcessTimeoutRepository;
import io.eventsource.store.internal.SchemaInitializer;
import io.eventsource.store.internal.SchemaMigration;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.TopologyType;
import io.eventsource.topology.internal.AggregateTopologies;
import io.eventsource.topology.internal.KeepAlive;
import io.eventsource.topology.internal.PartitionedTopology;
import io.eventsource.topology.internal.PerAggregateTopology;
import io.eventsource.topology.internal.TopologyRouter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
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
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of eventsource: the schema, the outbox, the {@link EventPublisher},
 * the registry, the topology and the relay on the publishing side; the
 * {@code @EventSourceListener} discovery, the inbox, the dispatcher and the listener
 * container on the listening side.
 */
@AutoConfiguration(
		after = { DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class, JacksonAutoConfiguration.class, RabbitAutoConfiguration.class,
				DataRedisAutoConfiguration.class },
		afterName = { "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "eventsource.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EventSourceProperties.class)
public final class EventSourceAutoConfiguration {

	static final String SCHEMA_INITIALIZER = "eventSourceSchemaInitializer";

	@Bean
	ServiceName eventSourceServiceName(EventSourceProperties properties, Environment environment) {
		return ServiceName.resolve(properties, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "eventsource.keep-alive", matchIfMissing = true)
	KeepAlive eventSourceKeepAlive() {
		return new KeepAlive();
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
	@ConditionalOnMissingBean
	@DependsOn(SCHEMA_INITIALIZER)
	OutboxRepository eventSourceOutboxRepository(DataSource dataSource, JsonMapper jsonMapper,
			DatabaseType databaseType) {
		return new OutboxRepository(new JdbcTemplate(dataSource), jsonMapper, databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOn(SCHEMA_INITIALIZER)
	AggregateSequences eventSourceAggregateSequences(DataSource dataSource, DatabaseType databaseType) {
		return new AggregateSequences(new JdbcTemplate(dataSource), databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	EventPublisher eventPublisher(OutboxRepository outbox, AggregateSequences sequences, JsonMapper jsonMapper,
			ObjectProvider<MessageDecorator> decorators, ServiceName serviceName, DataSource dataSource,
			ObjectProvider<OutboxRelay> relay, ObjectProvider<MeterRegistry> meterRegistry) {
		// looked up once, not on every commit
		SingletonSupplier<OutboxRelay> relayOnce = SingletonSupplier.of(relay::getIfAvailable);
		RelayAfterCommit afterCommit = new RelayAfterCommit(() -> {
			OutboxRelay found = relayOnce.get();
			if (found != null) {
				found.wakeUp();
			}
		}, meterRegistry.getIfAvailable(() -> Metrics.globalRegistry));
		return new OutboxEventPublisher(outbox, sequences, jsonMapper, decorators.orderedStream().toList(),
				serviceName.value(), dataSource, new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
				afterCommit, Clock.systemUTC());
	}

	@Bean
	static EventSourceListenerAnnotationBeanPostProcessor eventSourceListenerAnnotationBeanPostProcessor() {
		return new EventSourceListenerAnnotationBeanPostProcessor();
	}

	@Bean
	static EventSourceListenerLazyInitializationExcludeFilter eventSourceListenerLazyInitializationExcludeFilter() {
		return new EventSourceListenerLazyInitializationExcludeFilter();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "eventsource.listener.enabled", matchIfMissing = true)
	static class ListenerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EventPayloads eventSourceEventPayloads(JsonMapper jsonMapper) {
			return new EventPayloads(jsonMapper);
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOn(SCHEMA_INITIALIZER)
		InboxRepository eventSourceInboxRepository(DataSource dataSource, DatabaseType databaseType) {
			return new InboxRepository(new JdbcTemplate(dataSource), databaseType);
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOn(SCHEMA_INITIALIZER)
		ParkedEventRepository eventSourceParkedEventRepository(DataSource dataSource, JsonMapper jsonMapper,
				DatabaseType databaseType) {
			return new ParkedEventRepository(new JdbcTemplate(dataSource), jsonMapper, databaseType);
		}

		@Bean
		@ConditionalOnMissingBean
		ListenerMetrics eventSourceListenerMetrics(ObjectProvider<MeterRegistry> meterRegistry,
				ServiceName serviceName) {
			return new ListenerMetrics(meterRegistry.getIfAvailable(() -> Metrics.globalRegistry), serviceName.value());
		}

		@Bean
		@ConditionalOnMissingBean
		EventDispatcher eventSourceEventDispatcher(EventSourceListenerAnnotationBeanPostProcessor listeners,
				EventPayloads payloads, InboxRepository inbox, ParkedEventRepository parked, ServiceName serviceName,
				DataSource dataSource, ObjectProvider<PlatformTransactionManager> transactionManager,
				ListenerMetrics metrics, EventSourceProperties properties, ObjectProvider<GapListener> gaps,
				HistoryStart history) {
			return new EventDispatcher(listeners.getEventHandlers(), payloads, inbox, parked,
					parkingPolicy(properties.getListener()), serviceName.value(), dataSource,
					listenerTransactions(dataSource, transactionManager), metrics, Clock.systemUTC(),
					gaps.getIfAvailable(() -> GapListener.NONE), history);
		}

		@Bean
		@ConditionalOnMissingBean
		HistoryStart eventSourceHistoryStart(ConsumerStateRepository state, InboxRepository inbox,
				ServiceName serviceName, EventSourceProperties properties) {
			return new HistoryStart(state, inbox, serviceName.value(),
					properties.getReplay().getCatchUpFrom() == EventSourceProperties.CatchUpStart.NOW,
					Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		ParkedEvents eventSourceParkedEvents(EventSourceListenerAnnotationBeanPostProcessor listeners,
				EventPayloads payloads, InboxRepository inbox, ParkedEventRepository parked, ServiceName serviceName,
				DataSource dataSource, ObjectProvider<PlatformTransactionManager> transactionManager) {
			return new ParkedEvents(listeners.getEventHandlers(), payloads, inbox, parked, serviceName.value(),
					listenerTransactions(dataSource, transactionManager), Clock.systemUTC());
		}

		private static TransactionTemplate listenerTransactions(DataSource dataSource,
				ObjectProvider<PlatformTransactionManager> transactionManager) {
			return new TransactionTemplate(
					ListenerTransactions.managerFor(dataSource, transactionManager.getIfUnique()));
		}

		@Bean
		@ConditionalOnMissingBean
		PerAggregateListenerContainer eventSourceListenerContainer(ConnectionFactory connectionFactory,
				EventSourceListenerAnnotationBeanPostProcessor listeners, AggregateTopologies topologies,
				EventDispatcher dispatcher, ServiceRegistry registry, ListenerMetrics metrics, ServiceName serviceName,
				EventSourceProperties properties, ObjectProvider<CatchUp> catchUp) {
			PerAggregateListenerContainer container = new PerAggregateListenerContainer(connectionFactory,
					listeners.getEventHandlers(), topologies, dispatcher, registry, metrics,
					listenerSettings(serviceName, properties));
			container.setHeartbeatRecovered(() -> catchUp.ifAvailable(CatchUp::catchUpAfterOutage));
			return container;
		}

		@Bean
		@ConditionalOnMissingBean
		PartitionedListenerContainer eventSourcePartitionedListenerContainer(ConnectionFactory connectionFactory,
				EventSourceListenerAnnotationBeanPostProcessor listeners, AggregateTopologies topologies,
				EventDispatcher dispatcher, ListenerMetrics metrics, ServiceName serviceName,
				EventSourceProperties properties) {
			EventSourceProperties.Partitioned partitioned = properties.getPartitioned();
			Map<String, Integer> partitionsByType = new LinkedHashMap<>();
			properties.getAggregateTypes().forEach((type, settings) -> {
				if (settings.getPartitions() != null) {
					partitionsByType.put(type, settings.getPartitions());
				}
			});
			return new PartitionedListenerContainer(connectionFactory, listeners.getEventHandlers(), topologies,
					dispatcher, metrics, listenerSettings(serviceName, properties),
					new PartitionSettings(partitioned.getPartitions(), partitionsByType, partitioned.getQueueType(),
							partitioned.getPrefetch(), partitioned.getRebalanceInterval()));
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "eventsource.replay.enabled", matchIfMissing = true)
		ReplayRequester eventSourceReplayRequester(ConnectionFactory connectionFactory, ServiceName serviceName,
				EventSourceProperties properties) {
			return new ReplayRequester(connectionFactory, serviceName.value(), properties.getReplay().getGapTimeout(),
					System::nanoTime);
		}

		@Bean
		@ConditionalOnMissingBean(GapListener.class)
		@ConditionalOnBean(ReplayRequester.class)
		GapRepair eventSourceGapRepair(ReplayRequester requester, EventSourceProperties properties,
				ListenerMetrics metrics, ObjectProvider<CatchUp> catchUp) {
			EventSourceProperties.Replay replay = properties.getReplay();
			// giving up for no answer only while the periodic catch-up brings a real
			// event back
			GapRepair gapRepair = new GapRepair(requester, replay.getGapTimeout(),
					(replay.getCatchUpInterval().toMillis() > 0) ? replay.getMaxUnansweredRequests() : 0,
					System::nanoTime, metrics);
			gapRepair.onGivenUpUnanswered((event) -> catchUp
				.ifAvailable((available) -> available.catchUpUntilAnswered(event.aggregateType(), event.source())));
			return gapRepair;
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "eventsource.replay.enabled", matchIfMissing = true)
		ReplayListener eventSourceReplayListener(ConnectionFactory connectionFactory,
				EventSourceListenerAnnotationBeanPostProcessor listeners, EventDispatcher dispatcher,
				ListenerMetrics metrics, ServiceName serviceName, EventSourceProperties properties) {
			return new ReplayListener(connectionFactory, listeners.getEventHandlers(), dispatcher, metrics,
					listenerSettings(serviceName, properties));
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOn(SCHEMA_INITIALIZER)
		ConsumerStateRepository eventSourceConsumerStateRepository(DataSource dataSource, DatabaseType databaseType) {
			return new ConsumerStateRepository(new JdbcTemplate(dataSource), databaseType);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(ReplayRequester.class)
		CatchUp eventSourceCatchUp(ConnectionFactory connectionFactory,
				EventSourceListenerAnnotationBeanPostProcessor listeners, EventDispatcher dispatcher,
				ConsumerStateRepository state, ReplayRequester requester, ServiceName serviceName,
				EventSourceProperties properties) {
			EventSourceProperties.Replay replay = properties.getReplay();
			return new CatchUp(connectionFactory, listeners.getEventHandlers(), dispatcher, state, requester,
					new CatchUpSettings(serviceName.value(), replay.isCatchUpOnStart(),
							replay.getCatchUpFrom() == EventSourceProperties.CatchUpStart.BEGINNING,
							replay.getCatchUpHorizon(), properties.getListener().getMaxBatch(),
							properties.getListener().getRetryDelay(), replay.getCatchUpInterval()),
					Clock.systemUTC());
		}

		@Bean
		static ProcessManagerAnnotationBeanPostProcessor eventSourceProcessManagerAnnotationBeanPostProcessor() {
			return new ProcessManagerAnnotationBeanPostProcessor();
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOn(SCHEMA_INITIALIZER)
		ProcessStore eventSourceProcessStore(OutboxRepository outbox, DataSource dataSource,
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
			return new ProcessManagers(serviceName.value(), processes.getDefinitions(), listeners.getEventHandlers(),
					store, publisher, jsonMapper,
					new ProcessMetrics(meterRegistry.getIfAvailable(() -> Metrics.globalRegistry)), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		ProcessTimeoutPoller eventSourceProcessTimeoutPoller(ServiceName serviceName,
				ProcessManagerAnnotationBeanPostProcessor processes, ProcessStore store, EventPublisher publisher,
				DataSource dataSource, EventSourceProperties properties) {
			return new ProcessTimeoutPoller(serviceName.value(), processes.getDefinitions(), store, publisher,
					new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
					properties.getProcesses().getTimeoutPollInterval(), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		ParkedEventsGauge eventSourceParkedEventsGauge(EventSourceListenerAnnotationBeanPostProcessor listeners,
				ParkedEventRepository parked, ObjectProvider<MeterRegistry> meterRegistry, ServiceName serviceName) {
			return new ParkedEventsGauge(listeners.getEventHandlers(), parked,
					meterRegistry.getIfAvailable(() -> Metrics.globalRegistry), serviceName.value(),
					Duration.ofSeconds(5));
		}

		private static ParkingPolicy parkingPolicy(EventSourceProperties.Listener listener) {
			Map<String, Integer> maxAttempts = new LinkedHashMap<>();
			listener.getRetry().getProjections().forEach((projection, retry) -> {
				if (retry.getMaxAttempts() != null) {
					maxAttempts.put(projection, retry.getMaxAttempts());
				}
			});
			return new ParkingPolicy(listener.getRetry().getMaxAttempts(), maxAttempts, listener.getMaxPayloadSize(),
					listener.getMalformed().getMaxParked());
		}

		private static RetryBackoff retryBackoff(EventSourceProperties.Listener.Retry retry) {
			Map<String, RetryBackoff> byProjection = new LinkedHashMap<>();
			retry.getProjections().forEach((projection, own) -> {
				Duration initialDelay = Objects.requireNonNullElse(own.getInitialDelay(), retry.getInitialDelay());
				// an initial delay set alone longer than the default maximum is its own
				// maximum
				Duration maxDelay = (own.getMaxDelay() != null) ? own.getMaxDelay()
						: (initialDelay.compareTo(retry.getMaxDelay()) > 0) ? initialDelay : retry.getMaxDelay();
				try {
					byProjection.put(projection, new RetryBackoff(initialDelay,
							Objects.requireNonNullElse(own.getMultiplier(), retry.getMultiplier()), maxDelay));
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException(
							"eventsource.listener.retry.projections." + projection + ": " + ex.getMessage(), ex);
				}
			});
			return new RetryBackoff(retry.getInitialDelay(), retry.getMultiplier(), retry.getMaxDelay(), byProjection);
		}

		private static ListenerSettings listenerSettings(ServiceName serviceName, EventSourceProperties properties) {
			EventSourceProperties.Listener listener = properties.getListener();
			EventSourceProperties.PerAggregate perAggregate = properties.getPerAggregate();
			return new ListenerSettings(serviceName.value(), perAggregate.getQueueExpiry(),
					perAggregate.getIdsQueueExpiry(), perAggregate.getIdsQueueMaxLength(),
					perAggregate.getConsumerIdleTimeout(), listener.getMaxAggregates(), listener.getPrefetch(),
					listener.getConcurrency(), listener.getMaxBatch(), listener.getRetryDelay(),
					retryBackoff(listener.getRetry()), properties.getRegistry().getHeartbeatInterval(),
					listener.getShutdownTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean(ServiceRegistry.class)
		CachingServiceRegistry eventSourceServiceRegistry(StringRedisTemplate redis, EventSourceProperties properties) {
			EventSourceProperties.Registry registry = properties.getRegistry();
			return new CachingServiceRegistry(
					new RedisServiceRegistry(redis, registry.getKeyPrefix(), registry.getExpiry(), Clock.systemUTC()),
					registry.getCacheTtl(), registry.getTimeout(), registry.getSlowTimeout(), registry.getExpiry(),
					Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TopologyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		AggregateTopologies eventSourceAggregateTopologies(EventSourceProperties properties) {
			Map<String, TopologyType> overrides = new LinkedHashMap<>();
			properties.getAggregateTypes().forEach((type, settings) -> {
				if (settings.getTopology() != null) {
					overrides.put(type, settings.getTopology());
				}
			});
			return new AggregateTopologies(properties.getTopology(), overrides);
		}

		@Bean
		@ConditionalOnMissingBean
		EventTopology eventSourceTopology(ConnectionFactory connectionFactory, ServiceRegistry registry,
				AggregateTopologies topologies, EventSourceProperties properties,
				ObjectProvider<MeterRegistry> meterRegistry) {
			EventSourceProperties.PerAggregate perAggregate = properties.getPerAggregate();
			MeterRegistry meters = meterRegistry.getIfAvailable(() -> Metrics.globalRegistry);
			Duration confirmTimeout = properties.getRelay().getConfirmTimeout();
			// the relay publishes on a connection of its own (Spring AMQP's publisher
			// connection when the factory has one), so that the broker's flow control
			// of the publishes never holds back the listener's deliveries and acks
			ConnectionFactory publishing = Objects.requireNonNullElse(connectionFactory.getPublisherConnectionFactory(),
					connectionFactory);
			return new TopologyRouter(topologies,
					Map.of(TopologyType.PER_AGGREGATE,
							new PerAggregateTopology(publishing, registry, perAggregate.getQueueExpiry(),
									perAggregate.getDeclarationCacheTtl(), perAggregate.getAnnounceInterval(),
									confirmTimeout, meters),
							TopologyType.PARTITIONED, new PartitionedTopology(publishing, confirmTimeout, meters)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "eventsource.replay.enabled", matchIfMissing = true)
	static class ReplayConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReplayResponder eventSourceReplayResponder(ConnectionFactory connectionFactory, OutboxRepository outbox,
				ServiceName serviceName, EventSourceProperties properties) {
			return new ReplayResponder(connectionFactory, outbox, serviceName.value(),
					properties.getReplay().getMaxEvents(), properties.getRelay().getConfirmTimeout(),
					properties.getReplay().getCatchUpHorizon(), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "eventsource.relay.enabled", matchIfMissing = true)
	static class RelayConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OutboxRelay eventSourceOutboxRelay(OutboxRepository outbox, EventTopology topology, DataSource dataSource,
				EventSourceProperties properties, ObjectProvider<MeterRegistry> meterRegistry) {
			EventSourceProperties.Relay relay = properties.getRelay();
			return new OutboxRelay(outbox, topology, new DataSourceTransactionManager(dataSource),
					relay.getConfirmTimeout(), relay.getBatchSize(), relay.getPollInterval(),
					new RelayMetrics(meterRegistry.getIfAvailable(() -> Metrics.globalRegistry)), Clock.systemUTC());
		}

	}

}
