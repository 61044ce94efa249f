package io.eventsource.registry.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.eventsource.test.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisServiceRegistry} on the real Redis.
 */
class RedisServiceRegistryIntegrationTests {

	private final String prefix = "eventsource-test-" + TestServices.randomSuffix();

	private final LettuceConnectionFactory connectionFactory = connectionFactory();

	private final StringRedisTemplate redis = new StringRedisTemplate(this.connectionFactory);

	@AfterEach
	void cleanUp() {
		this.redis.delete(this.redis.keys(this.prefix + ":*"));
		this.connectionFactory.destroy();
	}

	@Test
	void serviceIsLiveUntilItsHeartbeatExpires() {
		Instant start = Instant.parse("2026-11-25T10:00:00Z");
		RedisServiceRegistry atStart = registry(start);
		atStart.heartbeat("billing", List.of("Order", "Invoice"));
		atStart.heartbeat("shipping", List.of("Order"));
		assertThat(atStart.liveServices("Order")).containsExactlyInAnyOrder("billing", "shipping");
		assertThat(atStart.liveServices("Invoice")).containsExactly("billing");
		assertThat(atStart.liveServices("Product")).isEmpty();
		assertThat(this.redis.opsForZSet().score(this.prefix + ":services:Order", "billing"))
			.isEqualTo(start.toEpochMilli());

		RedisServiceRegistry later = registry(start.plusSeconds(20));
		later.heartbeat("shipping", List.of("Order"));
		assertThat(registry(start.plusSeconds(31)).liveServices("Order")).containsExactly("shipping");
	}

	@Test
	void longSilentServicesAreForgotten() {
		Instant start = Instant.parse("2026-11-25T10:00:00Z");
		registry(start).heartbeat("billing", List.of("Order"));
		registry(start.plus(Duration.ofMinutes(6))).heartbeat("shipping", List.of("Order"));
		assertThat(this.redis.opsForZSet().range(this.prefix + ":services:Order", 0, -1)).containsExactly("shipping");
	}

	private RedisServiceRegistry registry(Instant now) {
		return new RedisServiceRegistry(this.redis, this.prefix, Duration.ofSeconds(30),
				Clock.fixed(now, ZoneOffset.UTC));
	}

	private static LettuceConnectionFactory connectionFactory() {
		String host = TestServices.redisProperties().get(0).split("=")[1];
		int port = Integer.parseInt(TestServices.redisProperties().get(1).split("=")[1]);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(host, port);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
