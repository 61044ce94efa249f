package io.eventsource.registry.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.eventsource.registry.RegistryUnavailableException;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.test.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link CachingServiceRegistry}'s caching and outage rules, over an in-memory
 * registry whose answers the test controls (the Redis side is covered by the relay
 * integration tests).
 */
class CachingServiceRegistryTests {

	private static final Duration EXPIRY = Duration.ofSeconds(30);

	private final Controlled delegate = new Controlled();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));

	private final List<CachingServiceRegistry> registries = new ArrayList<>();

	private final CachingServiceRegistry registry = registry(Duration.ofMillis(500), Duration.ofMillis(500));

	private CachingServiceRegistry registry(Duration timeout, Duration slowTimeout) {
		CachingServiceRegistry registry = new CachingServiceRegistry(this.delegate, Duration.ofSeconds(2), timeout,
				slowTimeout, EXPIRY, this.clock);
		this.registries.add(registry);
		return registry;
	}

	@AfterEach
	void close() {
		this.delegate.release();
		this.registries.forEach(CachingServiceRegistry::close);
	}

	@Test
	void answersFromTheCacheWithinItsTimeToLive() {
		this.delegate.services = Set.of("billing");
		assertThat(this.registry.liveServices("Order")).containsExactly("billing");
		this.delegate.services = Set.of("billing", "shipping");
		assertThat(this.registry.liveServices("Order")).containsExactly("billing");
		assertThat(this.delegate.reads.get()).isEqualTo(1);
	}

	@Test
	void expiredEntryIsAnsweredAtOnceAndReadAgainInTheBackground() {
		this.delegate.services = Set.of("billing");
		this.registry.liveServices("Order");
		this.delegate.services = Set.of("billing", "shipping");
		this.clock.advance(Duration.ofSeconds(3));
		// the relay never waits on a registry that may be gone
		assertThat(this.registry.liveServices("Order")).containsExactly("billing");
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.registry.liveServices("Order")).containsExactlyInAnyOrder("billing",
					"shipping"));
		assertThat(this.delegate.reads.get()).isEqualTo(2);
	}

	@Test
	void entryOlderThanTwiceItsTimeToLiveIsReadAgainBeforeItIsAnswered() {
		this.delegate.services = Set.of("billing");
		this.registry.liveServices("Order");
		this.delegate.services = Set.of("billing", "shipping");
		this.clock.advance(Duration.ofMinutes(10));
		assertThat(this.registry.liveServices("Order")).containsExactlyInAnyOrder("billing", "shipping");
		assertThat(this.delegate.reads.get()).isEqualTo(2);
	}

	@Test
	void outageKeepsTheLastKnownServicesAndShowsInTheStatus() {
		this.delegate.services = Set.of("billing");
		this.registry.liveServices("Order");
		this.delegate.failing = true;
		this.clock.advance(Duration.ofSeconds(3));
		assertThat(this.registry.liveServices("Order")).containsExactly("billing");
		// the background refresh finds the outage
		await().until(() -> !this.registry.status().reachable());
		assertThat(this.registry.status().error()).contains("Redis down");
		int readsDuringOutage = this.delegate.reads.get();
		assertThat(this.registry.liveServices("Order")).containsExactly("billing");
		this.delegate.services = Set.of("billing", "shipping");
		this.delegate.failing = false;
		await().until(() -> this.registry.liveServices("Order").size() == 2);
		assertThat(this.registry.status().reachable()).isTrue();
		assertThat(this.delegate.reads.get()).isGreaterThan(readsDuringOutage);
	}

	@Test
	void aRegistryThatDoesNotAnswerCountsAsUnreachableAfterTheTimeout() {
		this.delegate.services = Set.of("billing");
		this.registry.liveServices("Order");
		this.delegate.hanging = true;
		this.clock.advance(Duration.ofMinutes(10));
		// read again before it is answered, since it is old: the relay waits no longer
		// than the timeout (the Redis client's own is a minute) and goes on with what it
		// knew
		long started = System.nanoTime();
		assertThat(this.registry.liveServices("Order")).containsExactly("billing");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		assertThat(this.registry.status().reachable()).isFalse();
		assertThat(this.registry.status().error()).contains("did not answer within");
		assertThatExceptionOfType(RegistryUnavailableException.class)
			.isThrownBy(() -> this.registry.heartbeat("billing", Set.of("Order")));
	}

	@Test
	void aServiceSeenLiveStaysLiveForAnExpiryWhenTheRegistryForgetsIt() {
		this.delegate.services = Set.of("billing", "shipping");
		this.registry.liveServices("Order");
		// Redis restarted between two reads: its answer has lost shipping's heartbeat
		this.delegate.services = Set.of("billing");
		this.clock.advance(EXPIRY.minusSeconds(1));
		assertThat(this.registry.liveServices("Order")).containsExactlyInAnyOrder("billing", "shipping");
		this.clock.advance(EXPIRY);
		assertThat(this.registry.liveServices("Order")).containsExactly("billing");
	}

	@Test
	void afterAnOutageTheServicesKnownBeforeItHaveAnExpiryToHeartbeatAgain() {
		this.delegate.services = Set.of("billing", "shipping");
		this.registry.liveServices("Order");
		this.delegate.failing = true;
		this.clock.advance(Duration.ofSeconds(3));
		this.registry.liveServices("Order");
		await().until(() -> !this.registry.status().reachable());
		// a minute without heartbeats, then Redis is back without them
		this.clock.advance(Duration.ofMinutes(1));
		this.delegate.services = Set.of();
		this.delegate.failing = false;
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(this.registry.liveServices("Order")).containsExactlyInAnyOrder("billing", "shipping");
		await().until(() -> this.registry.status().reachable());
		assertThat(this.registry.liveServices("Order")).containsExactlyInAnyOrder("billing", "shipping");
		this.delegate.services = Set.of("billing");
		this.clock.advance(EXPIRY.minusSeconds(1));
		assertThat(this.registry.liveServices("Order")).containsExactlyInAnyOrder("billing", "shipping");
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(this.registry.liveServices("Order")).containsExactly("billing");
	}

	@Test
	void outageWithNothingKnownThrows() {
		this.delegate.failing = true;
		assertThatExceptionOfType(RegistryUnavailableException.class)
			.isThrownBy(() -> this.registry.liveServices("Order"))
			.withMessageContaining("Order");
		assertThat(this.registry.status().reachable()).isFalse();
	}

	@Test
	void aTypeNothingIsKnownOfFailsAtOnceWhileTheRegistryIsDownAndIsReadInTheBackground() {
		CachingServiceRegistry registry = registry(Duration.ofSeconds(1), Duration.ofSeconds(5));
		this.delegate.services = Set.of("billing");
		registry.liveServices("Order");
		this.delegate.hanging = true;
		this.clock.advance(Duration.ofSeconds(3));
		registry.liveServices("Order");
		await().atMost(Duration.ofSeconds(10)).until(() -> !registry.status().reachable());
		// the relay asks once per aggregate: a new aggregate type published during the
		// outage must not cost it the slow timeout per aggregate
		long started = System.nanoTime();
		for (int aggregate = 0; aggregate < 5; aggregate++) {
			assertThatExceptionOfType(RegistryUnavailableException.class)
				.isThrownBy(() -> registry.liveServices("Invoice"))
				.withMessageContaining("Invoice");
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		// one read in the background at a time, not one per aggregate (it may not have
		// reached the registry yet)
		await().atMost(Duration.ofSeconds(5)).until(() -> this.delegate.readsOf("Invoice") >= 1);
		assertThat(this.delegate.readsOf("Invoice")).isBetween(1, 2);
		this.delegate.services = Set.of("shipping");
		this.delegate.hanging = false;
		await().atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> registry.liveServices("Invoice").equals(Set.of("shipping")));
		assertThat(registry.status().reachable()).isTrue();
	}

	@Test
	void aFailedFirstReadOfATypeIsRememberedForTheTimeout() {
		CachingServiceRegistry registry = registry(Duration.ofSeconds(1), Duration.ofSeconds(3));
		this.delegate.readsHanging = true;
		assertThatExceptionOfType(RegistryUnavailableException.class)
			.isThrownBy(() -> registry.liveServices("Invoice"));
		// a heartbeat gets through: the registry counts as reachable again
		registry.heartbeat("billing", Set.of("Order"));
		assertThat(registry.status().reachable()).isTrue();
		long started = System.nanoTime();
		for (int aggregate = 0; aggregate < 3; aggregate++) {
			assertThatExceptionOfType(RegistryUnavailableException.class)
				.isThrownBy(() -> registry.liveServices("Invoice"));
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		this.delegate.readsHanging = false;
		this.delegate.services = Set.of("billing");
		this.clock.advance(Duration.ofSeconds(1));
		await().atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> registry.liveServices("Invoice").equals(Set.of("billing")));
	}

	@Test
	void callsThatIgnoreTheirTimeoutHoldAFewThreadsOnly() {
		CachingServiceRegistry registry = registry(Duration.ofMillis(20), Duration.ofMillis(20));
		this.delegate.stuck = true;
		int before = callThreads();
		for (int heartbeat = 0; heartbeat < 30; heartbeat++) {
			assertThatExceptionOfType(RegistryUnavailableException.class)
				.isThrownBy(() -> registry.heartbeat("billing", Set.of("Order")));
		}
		assertThat(registry.status().reachable()).isFalse();
		assertThat(callThreads()).isLessThanOrEqualTo(before + 4);
	}

	private static int callThreads() {
		return (int) Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("eventsource-registry-call") && thread.isAlive())
			.count();
	}

	static class Controlled implements ServiceRegistry {

		volatile Set<String> services = Set.of();

		volatile boolean failing;

		volatile boolean hanging;

		volatile boolean readsHanging;

		/**
		 * Calls hang and ignore the interrupt of their timeout, like a client blocked on
		 * a socket.
		 */
		volatile boolean stuck;

		final AtomicInteger reads = new AtomicInteger();

		final Map<String, AtomicInteger> readsByType = new ConcurrentHashMap<>();

		private final CountDownLatch released = new CountDownLatch(1);

		int readsOf(String aggregateType) {
			AtomicInteger reads = this.readsByType.get(aggregateType);
			return (reads != null) ? reads.get() : 0;
		}

		void release() {
			this.released.countDown();
		}

		@Override
		public Set<String> liveServices(String aggregateType) {
			this.reads.incrementAndGet();
			this.readsByType.computeIfAbsent(aggregateType, (type) -> new AtomicInteger()).incrementAndGet();
			if (this.hanging || this.readsHanging) {
				// a Redis client holding the command while it reconnects
				hang();
			}
			if (this.failing) {
				throw new IllegalStateException("Redis down");
			}
			return this.services;
		}

		@Override
		public void heartbeat(String service, Collection<String> aggregateTypes) {
			if (this.stuck) {
				stayStuck();
			}
			if (this.hanging) {
				hang();
			}
		}

		private void stayStuck() {
			boolean interrupted = false;
			while (this.released.getCount() > 0) {
				try {
					this.released.await();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}

		private static void hang() {
			try {
				new CountDownLatch(1).await(1, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}

	}

}
