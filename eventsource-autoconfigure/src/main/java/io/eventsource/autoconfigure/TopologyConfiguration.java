package io.eventsource.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.eventsource.registry.ServiceRegistry;
import io.eventsource.registry.internal.CachingServiceRegistry;
import io.eventsource.registry.internal.RedisServiceRegistry;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.TopologyType;
import io.eventsource.topology.internal.AggregateTopologies;
import io.eventsource.topology.internal.KeepAlive;
import io.eventsource.topology.internal.PartitionedTopology;
import io.eventsource.topology.internal.PerAggregateTopology;
import io.eventsource.topology.internal.TopologyRouter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The publishing side of the broker: the registry of listening services the relay reads,
 * the topology per aggregate type, and the thread that keeps the JVM alive while the
 * broker is away.
 */
@Configuration(proxyBeanMethods = false)
class TopologyConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "eventsource.keep-alive", matchIfMissing = true)
	KeepAlive eventSourceKeepAlive() {
		return new KeepAlive();
	}

	@Bean
	@ConditionalOnMissingBean(ServiceRegistry.class)
	CachingServiceRegistry eventSourceServiceRegistry(StringRedisTemplate redis, EventSourceProperties properties) {
		EventSourceProperties.Registry registry = properties.getRegistry();
		return new CachingServiceRegistry(
				new RedisServiceRegistry(redis, registry.getKeyPrefix(), registry.getExpiry(), Infrastructure.CLOCK),
				registry.getCacheTtl(), registry.getTimeout(), registry.getSlowTimeout(), registry.getExpiry(),
				Infrastructure.CLOCK);
	}

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
		MeterRegistry meters = Infrastructure.meters(meterRegistry);
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
