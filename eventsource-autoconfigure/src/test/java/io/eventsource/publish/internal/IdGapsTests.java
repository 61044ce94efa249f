package io.eventsource.publish.internal;

import java.util.Arrays;
import java.util.List;

import io.eventsource.store.internal.StoredEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdGapsTests {

	private final IdGaps gaps = new IdGaps();

	@Test
	void idsBelowTheFirstRowReadAreNotLookedAt() {
		assertThat(this.gaps.newGap(rows(500, 501))).isFalse();
	}

	@Test
	void consecutiveRowsHaveNoGap() {
		this.gaps.newGap(rows(10));
		assertThat(this.gaps.newGap(rows(11, 12, 13))).isFalse();
	}

	@Test
	void anIdSkippedAfterTheHighestReadIsAGap() {
		this.gaps.newGap(rows(10));
		assertThat(this.gaps.newGap(rows(12, 13))).isTrue();
	}

	@Test
	void anIdSkippedBetweenRowsIsAGap() {
		assertThat(this.gaps.newGap(rows(10, 11, 13))).isTrue();
	}

	@Test
	void eachGapEndsOnePassOnly() {
		assertThat(this.gaps.newGap(rows(10, 11, 13))).isTrue();
		assertThat(this.gaps.newGap(rows(11, 13, 14))).isFalse();
		assertThat(this.gaps.newGap(rows(16))).isTrue();
	}

	@Test
	void rowsAlreadyRelayedBetweenRowsHeldBackAreNotGaps() {
		this.gaps.newGap(rows(100, 101, 102, 103, 104));
		assertThat(this.gaps.newGap(rows(100, 104, 105))).isFalse();
	}

	@Test
	void aVeryWideGapIsNotTheInterleavingOfTransactions() {
		this.gaps.newGap(rows(10));
		assertThat(this.gaps.newGap(rows(5_000))).isFalse();
	}

	@Test
	void anEmptyReadHasNoGap() {
		this.gaps.newGap(rows(10));
		assertThat(this.gaps.newGap(List.of())).isFalse();
	}

	private static List<StoredEvent> rows(long... ids) {
		return Arrays.stream(ids).mapToObj((id) -> new StoredEvent(id, null)).toList();
	}

}
