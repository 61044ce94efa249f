package io.eventsource.topology.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeclarationCache}.
 */
class DeclarationCacheTests {

	private final AtomicLong nanos = new AtomicLong();

	private final DeclarationCache cache = new DeclarationCache(Duration.ofSeconds(10), this.nanos::get);

	@Test
	void aDeclarationIsFreshUntilItsTimeToLivePasses() {
		assertThat(this.cache.isFresh("Product-1-billing")).isFalse();
		this.cache.declared("Product-1-billing");
		this.nanos.addAndGet(Duration.ofSeconds(9).toNanos());
		assertThat(this.cache.isFresh("Product-1-billing")).isTrue();
		this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(this.cache.isFresh("Product-1-billing")).isFalse();
	}

	@Test
	void withJitterEntriesDeclaredTogetherGoStaleAtDifferentTimes() {
		AtomicLong draws = new AtomicLong();
		DeclarationCache jittered = new DeclarationCache(Duration.ofSeconds(20), Duration.ofSeconds(20), 0.25,
				this.nanos::get, () -> (draws.getAndIncrement() % 5) / 5.0);
		for (int i = 0; i < 5; i++) {
			jittered.declared("q" + i);
		}
		// lives of 20, 19, 18, 17 and 16 s
		this.nanos.addAndGet(Duration.ofMillis(15_999).toNanos());
		assertThat(IntStream.range(0, 5).filter((i) -> jittered.isFresh("q" + i)).count()).isEqualTo(5);
		this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThat(IntStream.range(0, 5).filter((i) -> jittered.isFresh("q" + i)).count()).isEqualTo(3);
		this.nanos.addAndGet(Duration.ofSeconds(3).toNanos());
		assertThat(IntStream.range(0, 5).filter((i) -> jittered.isFresh("q" + i)).count()).isZero();
	}

	@Test
	void pastItsTimeToLiveADeclarationIsDueForRenewalUntilItsTrustEnds() {
		DeclarationCache cache = new DeclarationCache(Duration.ofSeconds(10), Duration.ofSeconds(20), 0,
				this.nanos::get, () -> 0);
		assertThat(cache.state("Product-1-billing")).isEqualTo(DeclarationCache.State.UNKNOWN);
		cache.declared("Product-1-billing");
		this.nanos.addAndGet(Duration.ofMillis(9_999).toNanos());
		assertThat(cache.state("Product-1-billing")).isEqualTo(DeclarationCache.State.FRESH);
		this.nanos.addAndGet(Duration.ofMillis(1).toNanos());
		assertThat(cache.state("Product-1-billing")).isEqualTo(DeclarationCache.State.DUE);
		this.nanos.addAndGet(Duration.ofMillis(9_999).toNanos());
		assertThat(cache.state("Product-1-billing")).isEqualTo(DeclarationCache.State.DUE);
		this.nanos.addAndGet(Duration.ofMillis(1).toNanos());
		assertThat(cache.state("Product-1-billing")).isEqualTo(DeclarationCache.State.UNKNOWN);
		cache.declared("Product-1-billing");
		assertThat(cache.state("Product-1-billing")).isEqualTo(DeclarationCache.State.FRESH);
	}

	@Test
	void withoutATrustLongerThanTheTimeToLiveNothingIsEverDue() {
		this.cache.declared("a");
		this.nanos.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(this.cache.state("a")).isEqualTo(DeclarationCache.State.UNKNOWN);
	}

	@Test
	void forgettingAndClearingMakeDeclarationsStale() {
		this.cache.declared("a");
		this.cache.declared("b");
		this.cache.forget("a");
		assertThat(this.cache.isFresh("a")).isFalse();
		assertThat(this.cache.isFresh("b")).isTrue();
		this.cache.clear();
		assertThat(this.cache.isFresh("b")).isFalse();
	}

	@Test
	void expiredEntriesAreSweptSoTheCacheDoesNotGrowWithoutBound() {
		for (int i = 0; i < 10_000; i++) {
			this.cache.declared("old-" + i);
		}
		this.nanos.addAndGet(Duration.ofSeconds(11).toNanos());
		for (int i = 0; i < 10_000; i++) {
			this.cache.declared("new-" + i);
		}
		assertThat(this.cache.size()).isEqualTo(10_000);
	}

}
