package io.eventsource.listen.internal.peraggregate;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.eventsource.registry.RegistryUnavailableException;
import io.eventsource.registry.ServiceRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Heartbeats}, over a registry in memory.
 */
class HeartbeatsTests {

	private final Registry registry = new Registry();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final Heartbeats heartbeats = new Heartbeats(this.registry, "billing", Duration.ofMillis(50));

	@AfterEach
	void stop() {
		this.heartbeats.stop();
	}

	@Test
	void theFirstHeartbeatIsWrittenAtStartThenOneEveryInterval() {
		this.heartbeats.start(Set.of("Order"), this.meters);
		assertThat(this.registry.written.get()).isEqualTo(1);
		assertThat(this.heartbeats.last()).isNotNull();
		assertThat(this.meters.get("eventsource.heartbeat.age").tag("service", "billing").gauge().value())
			.isBetween(0.0, 5.0);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.written.get() >= 3);
	}

	@Test
	void aHeartbeatWrittenAgainAfterFailingRunsTheRecoveryOnce() {
		AtomicInteger recoveries = new AtomicInteger();
		this.heartbeats.onRecovered(recoveries::incrementAndGet);
		this.heartbeats.start(Set.of("Order"), this.meters);
		this.registry.down.set(true);
		int failedBefore = this.registry.failed.get();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.failed.get() >= failedBefore + 3);
		assertThat(recoveries.get()).isZero();
		this.registry.down.set(false);
		int writtenBefore = this.registry.written.get();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.written.get() >= writtenBefore + 3);
		assertThat(recoveries.get()).isEqualTo(1);
	}

	@Test
	void noHeartbeatIsWrittenAfterStop() {
		this.heartbeats.start(Set.of("Order"), this.meters);
		this.heartbeats.stop();
		// a write running when it stopped may still end; then none for four intervals
		int[] written = { -1 };
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
			int now = this.registry.written.get();
			boolean still = now == written[0];
			written[0] = now;
			return still;
		});
		await().during(Duration.ofMillis(200))
			.atMost(Duration.ofSeconds(1))
			.until(() -> this.registry.written.get() == written[0]);
	}

	private static final class Registry implements ServiceRegistry {

		private final AtomicBoolean down = new AtomicBoolean();

		private final AtomicInteger written = new AtomicInteger();

		private final AtomicInteger failed = new AtomicInteger();

		@Override
		public Set<String> liveServices(String aggregateType) {
			return Set.of();
		}

		@Override
		public void heartbeat(String service, Collection<String> aggregateTypes) {
			if (this.down.get()) {
				this.failed.incrementAndGet();
				throw new RegistryUnavailableException("down", new IllegalStateException("down"));
			}
			this.written.incrementAndGet();
		}

	}

}
