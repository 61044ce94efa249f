package io.eventsource.registry.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import io.eventsource.registry.ServiceRegistry;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.Assert;

/**
 * A {@link ServiceRegistry} in Redis: one sorted set per aggregate type, key
 * {@code {prefix}:services:{aggregateType}}, whose members are service names scored by
 * the epoch milliseconds of their last heartbeat. Members silent for ten expiries are
 * removed by the next heartbeat.
 */
public class RedisServiceRegistry implements ServiceRegistry {

	private static final int FORGET_AFTER_EXPIRIES = 10;

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	private final Duration expiry;

	private final Clock clock;

	public RedisServiceRegistry(StringRedisTemplate redis, String keyPrefix, Duration expiry, Clock clock) {
		Assert.hasText(keyPrefix, "'keyPrefix' must not be empty");
		Assert.isTrue(!expiry.isNegative() && !expiry.isZero(), "'expiry' must be positive");
		this.redis = redis;
		this.keyPrefix = keyPrefix;
		this.expiry = expiry;
		this.clock = clock;
	}

	@Override
	public Set<String> liveServices(String aggregateType) {
		long now = this.clock.millis();
		Set<String> live = this.redis.opsForZSet()
			.rangeByScore(key(aggregateType), now - this.expiry.toMillis(), Double.POSITIVE_INFINITY);
		return (live != null) ? new LinkedHashSet<>(live) : Set.of();
	}

	@Override
	public void heartbeat(String service, Collection<String> aggregateTypes) {
		long now = this.clock.millis();
		long forgetBefore = now - this.expiry.toMillis() * FORGET_AFTER_EXPIRIES;
		for (String aggregateType : aggregateTypes) {
			String key = key(aggregateType);
			this.redis.opsForZSet().add(key, service, now);
			this.redis.opsForZSet().removeRangeByScore(key, Double.NEGATIVE_INFINITY, forgetBefore);
		}
	}

	/**
	 * Returns the Redis key of an aggregate type's sorted set.
	 * @param aggregateType the aggregate type
	 * @return the key
	 */
	public String key(String aggregateType) {
		return this.keyPrefix + ":services:" + aggregateType;
	}

}
