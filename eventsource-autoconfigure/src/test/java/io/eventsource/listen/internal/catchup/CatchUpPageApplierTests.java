package io.eventsource.listen.internal.catchup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.internal.dispatch.DispatchOutcome;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ReceivedEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * How {@link CatchUpPageApplier} applies a page: in batches of the batch size, in order,
 * and not past an event that is not done with or whose aggregate is being retried.
 */
class CatchUpPageApplierTests {

	private final EventDispatcher dispatcher = mock(EventDispatcher.class);

	private final CatchUpPageApplier applier = new CatchUpPageApplier(this.dispatcher,
			new CatchUpSettings("billing", false, true, Duration.ofSeconds(30), 2, Duration.ofSeconds(5)));

	private final List<List<Long>> batches = new ArrayList<>();

	@Test
	void appliesAPageInBatchesOfTheBatchSizeInOrder() {
		dispatchAnswering(DispatchOutcome.OK, DispatchOutcome.DUPLICATE);
		assertThat(this.applier.apply(page("A-1", 1, 2, 3))).isTrue();
		assertThat(this.batches).containsExactly(List.of(1L, 2L), List.of(3L));
	}

	@Test
	void stopsAtABatchWhoseEventsAreNotAllDoneWith() {
		dispatchAnswering(DispatchOutcome.OK, DispatchOutcome.GAP);
		assertThat(this.applier.apply(page("A-1", 1, 2, 3))).isFalse();
		assertThat(this.batches).containsExactly(List.of(1L, 2L));
	}

	@Test
	void leavesAnAggregateWhoseEventIsBeingRetriedForTheNextRun() {
		dispatchAnswering(DispatchOutcome.OK, DispatchOutcome.OK);
		given(this.dispatcher.failingProjections("Product", "A-2")).willReturn(Set.of("projection"));
		List<ReceivedEvent> page = new ArrayList<>(page("A-1", 1, 2));
		page.addAll(page("A-2", 1));
		assertThat(this.applier.apply(page)).isFalse();
		verify(this.dispatcher).dispatchAll(anyList(), any());
		assertThat(this.batches).containsExactly(List.of(1L, 2L));
	}

	@Test
	void anEmptyPageIsApplied() {
		assertThat(this.applier.apply(List.of())).isTrue();
		verify(this.dispatcher, never()).dispatchAll(anyList(), any());
	}

	private void dispatchAnswering(DispatchOutcome... outcomes) {
		given(this.dispatcher.failingProjections(anyString(), anyString())).willReturn(Set.of());
		given(this.dispatcher.dispatchAll(anyList(), any())).willAnswer((invocation) -> {
			List<ReceivedEvent> batch = invocation.getArgument(0);
			this.batches.add(batch.stream().map((event) -> event.metadata().sequence()).toList());
			return Arrays.asList(outcomes).subList(0, batch.size());
		});
	}

	private static List<ReceivedEvent> page(String aggregateId, long... sequences) {
		return Arrays.stream(sequences).mapToObj((sequence) -> {
			UUID id = UUID.randomUUID();
			EventMetadata metadata = new EventMetadata(id, "Product", aggregateId, sequence, "ProductRenamed",
					Instant.now(), id.toString(), null, "orders", Map.of());
			return new ReceivedEvent(metadata, new byte[0]);
		}).toList();
	}

}
