package io.eventsource.benchmarks;

import java.io.IOException;
import java.sql.DatabaseMetaData;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.eventsource.autoconfigure.EventSourceProperties;
import io.eventsource.listen.ListenerContainer;
import io.eventsource.publish.EventPublisher;
import io.eventsource.registry.ServiceRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The benchmark's beans: both sides under measurement and the runner that compares them.
 */
@Configuration(proxyBeanMethods = false)
class BenchmarkConfiguration {

	@Bean
	BenchEvent benchEvent(JsonMapper jsonMapper, BenchmarkProperties properties) {
		return BenchEvent.ofSize(jsonMapper, properties.getPayloadBytes());
	}

	@Bean
	BenchTopology benchTopology(EventSourceProperties properties, BenchmarkProperties bench) {
		return new BenchTopology(properties.getPerAggregate().getQueueExpiry(), bench.isBareQuorumQueues());
	}

	@Bean
	BareConnections bareConnections(RabbitConnectionDetails details) {
		return new BareConnections(details);
	}

	@Bean
	BrokerAdmin brokerAdmin(BareConnections connections, BenchTopology topology) {
		return new BrokerAdmin(connections, topology);
	}

	@Bean
	BareClient bareClient(BareConnections connections, BenchTopology topology, BenchEvent event, JsonMapper jsonMapper,
			BenchmarkProperties properties, EventSourceProperties eventSourceProperties)
			throws IOException, TimeoutException {
		return new BareClient(connections, topology, jsonMapper.writeValueAsBytes(event), properties.getConfirmWindow(),
				eventSourceProperties.getRelay().getConfirmTimeout());
	}

	@Bean
	OutboxRows outboxRows(DataSource dataSource) {
		return new OutboxRows(new JdbcTemplate(dataSource), isPostgresql(dataSource));
	}

	@Bean
	OutboxLoad outboxLoad(EventPublisher publisher, @Qualifier("eventSourceOutboxRelay") Lifecycle relay,
			PlatformTransactionManager transactionManager, OutboxRows rows, BenchEvent event,
			BenchmarkProperties properties) {
		return new OutboxLoad(publisher, relay, new TransactionTemplate(transactionManager), rows, event,
				properties.getThreads(), properties.getRunTimeout());
	}

	@Bean
	static BeanPostProcessor timedTopology(ObjectProvider<HandledEvents> handled) {
		return TimedTopology.wrapping(handled);
	}

	@Bean
	HandledEvents handledEvents() {
		return new HandledEvents();
	}

	@Bean
	EndToEndHandler endToEndHandler(DataSource dataSource, HandledEvents handled) {
		return new EndToEndHandler(new JdbcTemplate(dataSource), handled);
	}

	@Bean
	BareConsumer bareConsumer(BareConnections connections, EventSourceProperties properties)
			throws IOException, TimeoutException {
		return new BareConsumer(connections, properties.getListener().getPrefetch());
	}

	@Bean
	ReferencePipeline referencePipeline(DataSource dataSource, BareConnections connections, BenchEvent event,
			JsonMapper jsonMapper, BenchmarkProperties properties, EventSourceProperties eventSourceProperties) {
		return new ReferencePipeline(dataSource, connections, jsonMapper.writeValueAsBytes(event),
				properties.getThreads(), eventSourceProperties.getListener().getPrefetch(), properties.getRunTimeout());
	}

	@Bean
	BenchmarkRunner benchmarkRunner(BenchmarkProperties properties, EventSourceProperties eventSourceProperties,
			BenchTopology topology, BrokerAdmin admin, BareClient bare, OutboxLoad outbox, OutboxRows rows,
			ServiceRegistry registry, StringRedisTemplate redis, BareConsumer consumer, BenchEvent event,
			HandledEvents handled, DataSource dataSource, ObjectProvider<ListenerContainer> listeners,
			MeterRegistry meterRegistry, ReferencePipeline reference) {
		EventSourceProperties.Registry registryProperties = eventSourceProperties.getRegistry();
		BenchmarkServices services = new BenchmarkServices(topology, admin, bare, outbox, rows, registry, redis,
				registryProperties.getKeyPrefix(), registryProperties.getExpiry());
		String registryKey = BenchmarkServices.registryKey(registryProperties.getKeyPrefix(),
				EndToEndEvent.AGGREGATE_TYPE);
		EndToEndRuns.EndToEndServices endToEnd = new EndToEndRuns.EndToEndServices(topology, admin, bare, consumer,
				outbox, EndToEndEvent.of(event), handled, new JdbcTemplate(dataSource), rows,
				listeners.orderedStream().toList(),
				Objects.requireNonNull(eventSourceProperties.getServiceName(), "eventsource.service-name"), redis,
				registryKey, meterRegistry, properties.getRunTimeout());
		PartitionedRuns partitioned = new PartitionedRuns(
				IntStream.rangeClosed(1, properties.getAggregates()).mapToObj(Integer::toString).toList(), endToEnd,
				PartitionedEvent.of(event), eventSourceProperties.getPartitioned().getPartitions());
		return new BenchmarkRunner(properties, services, endToEnd, partitioned,
				isPostgresql(dataSource) ? reference : null, eventSourceProperties.getRelay().getBatchSize());
	}

	/**
	 * Returns whether the benchmark's database is PostgreSQL, from the driver's own
	 * metadata.
	 */
	private static boolean isPostgresql(DataSource dataSource) {
		try {
			String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
			return "PostgreSQL".equals(product);
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Cannot tell which database the benchmark runs on", ex);
		}
	}

}
