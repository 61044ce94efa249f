package io.eventsource.benchmarks;

import java.time.Duration;

import io.eventsource.registry.ServiceRegistry;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * What the runs of a benchmark work with.
 *
 * @param topology the broker names
 * @param admin declares, counts and deletes on the broker
 * @param bare the bare client
 * @param outbox publishes through eventsource
 * @param rows the outbox rows
 * @param registry the service registry the relay reads
 * @param redis the Redis the registry lives in
 * @param registryKeyPrefix the prefix of the registry's keys
 * @param registryExpiry the registry's expiry
 */
record BenchmarkServices(BenchTopology topology, BrokerAdmin admin, BareClient bare, OutboxLoad outbox, OutboxRows rows,
		ServiceRegistry registry, StringRedisTemplate redis, String registryKeyPrefix, Duration registryExpiry) {

	/**
	 * Returns the registry's Redis key of an aggregate type, as the README's properties
	 * section gives it: {@code {key-prefix}:services:{aggregate type}}.
	 * @param keyPrefix {@code eventsource.registry.key-prefix}
	 * @param aggregateType the aggregate type
	 * @return the key
	 */
	static String registryKey(String keyPrefix, String aggregateType) {
		return keyPrefix + ":services:" + aggregateType;
	}

}
