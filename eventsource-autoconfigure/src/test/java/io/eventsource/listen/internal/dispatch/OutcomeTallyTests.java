package io.eventsource.listen.internal.dispatch;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.store.internal.AggregateRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OutcomeTally}.
 */
class OutcomeTallyTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final OutcomeTally tally = new OutcomeTally(new ListenerMetrics(this.registry, "billing-service"));

	private final AggregateRef order = new AggregateRef("Order", "1");

	@Test
	void aFailedAttemptCountsARetryAndTheProjectionFailsUntilItAppliesAnEvent() {
		this.tally.attempted("billing", event(1), DispatchOutcome.FAIL);
		assertThat(this.tally.failing(this.order)).containsExactly("billing");
		assertThat(retries("billing")).isEqualTo(1);
		this.tally.attempted("billing", event(1), DispatchOutcome.OK, 1_000, Instant.now());
		assertThat(this.tally.failing(this.order)).isEmpty();
		assertThat(consumed("billing", DispatchOutcome.FAIL)).isEqualTo(1);
		assertThat(consumed("billing", DispatchOutcome.OK)).isEqualTo(1);
		assertThat(retries("billing")).isEqualTo(1);
	}

	@Test
	void onlyAnAppliedEventIsTimed() {
		this.tally.attempted("billing", event(1), DispatchOutcome.GAP, 1_000, Instant.now());
		this.tally.attempted("billing", event(1), DispatchOutcome.DUPLICATE, 1_000, Instant.now());
		assertThat(handled("billing")).isNull();
		this.tally.attempted("billing", event(1), DispatchOutcome.OK, 1_000, Instant.now());
		assertThat(handled("billing").count()).isEqualTo(1);
	}

	@Test
	void aCommittedTransactionCombinesTheOutcomesOfEachEvent() {
		List<ReceivedEvent> events = List.of(delivered(1), delivered(2), delivered(3));
		List<@Nullable List<ProjectionAttempt>> applied = Arrays
			.asList(List.of(new ProjectionAttempt("billing", DispatchOutcome.OK, 1),
					new ProjectionAttempt("shipping", DispatchOutcome.GAP, 1)), null, List.of());
		assertThat(this.tally.committed(events, applied, Instant.now())).containsExactly(DispatchOutcome.GAP, null,
				DispatchOutcome.IGNORED);
		assertThat(consumed("billing", DispatchOutcome.OK)).isEqualTo(1);
		assertThat(consumed("shipping", DispatchOutcome.GAP)).isEqualTo(1);
		assertThat(consumed("none", DispatchOutcome.IGNORED)).isEqualTo(1);
	}

	@Test
	void anAggregateWhoseConsumerStoppedIsForgotten() {
		this.tally.attempted("billing", event(1), DispatchOutcome.FAIL);
		this.tally.forget(this.order);
		assertThat(this.tally.failing(this.order)).isEmpty();
	}

	private double consumed(String projection, DispatchOutcome outcome) {
		Counter counter = this.registry.find("eventsource.consumed.events")
			.tags("projection", projection, "outcome", outcome.tagValue())
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double retries(String projection) {
		Counter counter = this.registry.find("eventsource.listener.retries").tag("projection", projection).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private @Nullable Timer handled(String projection) {
		return this.registry.find("eventsource.handler.duration").tag("projection", projection).timer();
	}

	private static ReceivedEvent delivered(long sequence) {
		return new ReceivedEvent(event(sequence), new byte[0]);
	}

	private static EventMetadata event(long sequence) {
		UUID id = UUID.randomUUID();
		return new EventMetadata(id, "Order", "1", sequence, "OrderPlaced", Instant.now(), id.toString(), null,
				"orders", Map.of());
	}

}
