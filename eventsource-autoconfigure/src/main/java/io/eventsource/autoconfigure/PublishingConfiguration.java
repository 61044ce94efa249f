package io.eventsource.autoconfigure;

import javax.sql.DataSource;

import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.MessageDecorator;
import io.eventsource.publish.internal.OutboxEventPublisher;
import io.eventsource.publish.internal.OutboxRelay;
import io.eventsource.publish.internal.OutboxStorage;
import io.eventsource.publish.internal.RelayAfterCommit;
import io.eventsource.publish.internal.RelayMetrics;
import io.eventsource.publish.internal.RelaySettings;
import io.eventsource.store.internal.AggregateSequences;
import io.eventsource.store.internal.DatabaseType;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.topology.EventTopology;
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
import org.springframework.util.function.SingletonSupplier;

/**
 * Publishing: the outbox, the sequences, the {@link EventPublisher} and, unless
 * {@code eventsource.relay.enabled=false}, the relay.
 */
@Configuration(proxyBeanMethods = false)
class PublishingConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@DependsOn(EventSourceAutoConfiguration.SCHEMA_INITIALIZER)
	PublicMessageRepository eventSourcePublicMessageRepository(DataSource dataSource, JsonMapper jsonMapper,
			DatabaseType databaseType) {
		return new PublicMessageRepository(new JdbcTemplate(dataSource), jsonMapper, databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOn(EventSourceAutoConfiguration.SCHEMA_INITIALIZER)
	AggregateSequences eventSourceAggregateSequences(DataSource dataSource, DatabaseType databaseType) {
		return new AggregateSequences(new JdbcTemplate(dataSource), databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	EventPublisher eventPublisher(PublicMessageRepository outbox, AggregateSequences sequences, JsonMapper jsonMapper,
			ObjectProvider<MessageDecorator> decorators, ServiceName serviceName, DataSource dataSource,
			ObjectProvider<OutboxRelay> relay, ObjectProvider<MeterRegistry> meterRegistry) {
		// looked up once, not on every commit
		SingletonSupplier<OutboxRelay> relayOnce = SingletonSupplier.of(relay::getIfAvailable);
		RelayAfterCommit afterCommit = new RelayAfterCommit(() -> {
			OutboxRelay found = relayOnce.get();
			if (found != null) {
				found.wakeUp();
			}
		}, Infrastructure.meters(meterRegistry));
		OutboxStorage storage = new OutboxStorage(outbox, sequences, dataSource,
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
		return new OutboxEventPublisher(storage, jsonMapper, decorators.orderedStream().toList(), serviceName.value(),
				afterCommit, Infrastructure.CLOCK);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "eventsource.relay.enabled", matchIfMissing = true)
	static class RelayConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OutboxRelay eventSourceOutboxRelay(PublicMessageRepository outbox, EventTopology topology,
				DataSource dataSource, EventSourceProperties properties, ObjectProvider<MeterRegistry> meterRegistry) {
			EventSourceProperties.Relay relay = properties.getRelay();
			RelaySettings settings = new RelaySettings(relay.getConfirmTimeout(), relay.getBatchSize(),
					relay.getPollInterval());
			return new OutboxRelay(outbox, topology, new DataSourceTransactionManager(dataSource), settings,
					new RelayMetrics(Infrastructure.meters(meterRegistry)), Infrastructure.CLOCK);
		}

	}

}
