package io.eventsource.test;

import java.time.Duration;
import java.util.Map;

import io.eventsource.registry.ServiceRegistry;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.TopologyType;
import io.eventsource.topology.internal.AggregateTopologies;
import io.eventsource.topology.internal.PartitionedTopology;
import io.eventsource.topology.internal.PerAggregateTopology;
import io.eventsource.topology.internal.TopologyRouter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * The timings the tests run services with: the library's defaults shortened so that idle
 * consumers, stale declarations, retries and heartbeats come round within a test's
 * patience, the same in every test that states them.
 */
public final class FastTimings {

	/** The properties, {@code name=value}. */
	public static final String[] PROPERTIES = { "eventsource.relay.poll-interval=200ms",
			"eventsource.per-aggregate.queue-expiry=30s", "eventsource.per-aggregate.declaration-cache-ttl=5s",
			"eventsource.per-aggregate.consumer-idle-timeout=2s", "eventsource.per-aggregate.announce-interval=500ms",
			"eventsource.listener.redelivery-delay=200ms", "eventsource.registry.heartbeat-interval=1s" };

	/**
	 * The properties of a fast retry of a failing handler, on top of {@link #PROPERTIES}:
	 * 100 ms, doubling up to 300 ms, so that a handler's attempts are used up within a
	 * second or two.
	 */
	public static final String[] RETRIES = { "eventsource.listener.retry.initial-delay=100ms",
			"eventsource.listener.retry.multiplier=2", "eventsource.listener.retry.max-delay=300ms" };

	private FastTimings() {
	}

	/**
	 * Returns the topology a publishing service with {@link #PROPERTIES} sends through,
	 * built by hand for a test to wrap (in one that loses or repeats events, say). It
	 * declares the per-aggregate queues with the same expiry as the services' own, so
	 * that either may declare a queue first.
	 * @param connectionFactory the service's connection factory
	 * @param registry the service's registry
	 * @param topologies the service's choice of topology per aggregate type
	 * @return the topology, with meters of its own
	 */
	public static EventTopology topology(ConnectionFactory connectionFactory, ServiceRegistry registry,
			AggregateTopologies topologies) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		return new TopologyRouter(topologies, Map.of(TopologyType.PER_AGGREGATE,
				new PerAggregateTopology(connectionFactory, registry, Duration.ofSeconds(30), Duration.ofSeconds(5),
						Duration.ofMillis(500), Duration.ofSeconds(10), meters),
				TopologyType.PARTITIONED, new PartitionedTopology(connectionFactory, Duration.ofSeconds(10), meters)));
	}

}
