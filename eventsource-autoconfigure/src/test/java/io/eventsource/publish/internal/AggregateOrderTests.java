package io.eventsource.publish.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.store.internal.AggregateRef;
import io.eventsource.store.internal.StoredEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AggregateOrderTests {

	private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

	private final RelayBackoff<AggregateRef> backoff = new RelayBackoff<>(Duration.ofSeconds(1), Duration.ofMinutes(1));

	private final List<Set<AggregateRef>> lookedUp = new ArrayList<>();

	private Set<AggregateRef> late = Set.of();

	private final AggregateOrder order = new AggregateOrder(this.backoff, (upToId, aggregates) -> {
		this.lookedUp.add(Set.copyOf(aggregates));
		return this.late;
	});

	@Test
	void rowsInSequenceOrderAreSent() {
		AggregateOrder.Selection first = this.order.select(List.of(row(1, "A", 1), row(2, "B", 1), row(3, "A", 2)), 0,
				NOW);
		AggregateOrder.Selection next = this.order.select(List.of(row(4, "A", 3)), 3, NOW);
		assertThat(ids(first.sendable())).containsExactly(1L, 2L, 3L);
		assertThat(first.late()).isFalse();
		assertThat(ids(next.sendable())).containsExactly(4L);
		assertThat(next.late()).isFalse();
		assertThat(this.lookedUp).as("aggregates already sent need no look-up").isEmpty();
	}

	@Test
	void aRowThatDoesNotFollowTheLastOneSentHoldsItsAggregateBack() {
		this.order.select(List.of(row(1, "A", 1)), 0, NOW);
		AggregateOrder.Selection next = this.order.select(List.of(row(3, "A", 3), row(4, "B", 1), row(5, "A", 4)), 1,
				NOW);
		assertThat(ids(next.sendable())).containsExactly(4L);
		assertThat(next.late()).isTrue();
	}

	@Test
	void anAggregateMetOnALaterPageWithAnEarlierUnrelayedRowIsHeldBack() {
		this.order.select(List.of(row(1, "A", 1)), 0, NOW);
		this.late = Set.of(new AggregateRef("T", "B"));
		AggregateOrder.Selection next = this.order.select(List.of(row(2, "B", 2), row(3, "C", 1)), 1, NOW);
		assertThat(this.lookedUp).containsExactly(Set.of(new AggregateRef("T", "B"), new AggregateRef("T", "C")));
		assertThat(ids(next.sendable())).containsExactly(3L);
		assertThat(next.late()).isTrue();
	}

	@Test
	void anAggregateThatBacksOffIsHeldBackWithoutEndingThePass() {
		this.backoff.failed(new AggregateRef("T", "A"), NOW);
		this.backoff.failed(new AggregateRef("T", "A"), NOW);
		AggregateOrder.Selection selection = this.order.select(List.of(row(1, "A", 1), row(2, "B", 1)), 0, NOW);
		assertThat(ids(selection.sendable())).containsExactly(2L);
		assertThat(selection.late()).isFalse();
	}

	@Test
	void anUnconfirmedAggregateIsHeldBackForTheRestOfThePass() {
		this.order.select(List.of(row(1, "A", 1)), 0, NOW);
		this.order.unconfirmed(new AggregateRef("T", "A"));
		AggregateOrder.Selection next = this.order.select(List.of(row(2, "A", 2), row(3, "B", 1)), 1, NOW);
		assertThat(this.order.isUnconfirmed(new AggregateRef("T", "A"))).isTrue();
		assertThat(this.order.isUnconfirmed(new AggregateRef("T", "B"))).isFalse();
		assertThat(ids(next.sendable())).containsExactly(3L);
		assertThat(next.late()).isFalse();
	}

	private static StoredEvent row(long id, String aggregateId, long sequence) {
		EventMetadata metadata = new EventMetadata(UUID.randomUUID(), "T", aggregateId, sequence, "Changed", NOW,
				"correlation", null, "test", Map.of());
		return new StoredEvent(id, new EventEnvelope(metadata, "{}"));
	}

	private static List<Long> ids(List<StoredEvent> rows) {
		return rows.stream().map(StoredEvent::id).toList();
	}

}
