package io.eventsource.publish;

import java.util.Arrays;
import java.util.List;

import io.eventsource.store.StoredEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdGapsTests {

	private final IdGaps gaps = new IdGaps();

	@Test
	void consecutiveRowsHaveNoGap() {
		assertThat(this.gaps.newGap(10, rows(11, 12, 13))).isFalse();
	}

	@Test
	void anIdSkippedAfterTheLastReadIsAGap() {
		assertThat(this.gaps.newGap(10, rows(12, 13))).isTrue();
	}

	@Test
	void anIdSkippedBetweenRowsIsAGap() {
		assertThat(this.gaps.newGap(10, rows(11, 13))).isTrue();
	}

	@Test
	void eachGapEndsOnePassOnly() {
		assertThat(this.gaps.newGap(10, rows(11, 13))).isTrue();
		assertThat(this.gaps.newGap(0, rows(11, 13, 14))).isFalse();
		assertThat(this.gaps.newGap(14, rows(16))).isTrue();
	}

	@Test
	void idsBelowTheFirstRowOfAPassAreNotLookedAt() {
		assertThat(this.gaps.newGap(0, rows(500, 501))).isFalse();
	}

	@Test
	void aVeryWideGapIsNotTheInterleavingOfTransactions() {
		assertThat(this.gaps.newGap(10, rows(5_000))).isFalse();
	}

	@Test
	void anEmptyReadHasNoGap() {
		assertThat(this.gaps.newGap(10, List.of())).isFalse();
	}

	private static List<StoredEvent> rows(long... ids) {
		return Arrays.stream(ids).mapToObj((id) -> new StoredEvent(id, null)).toList();
	}

}
