package io.eventsource.listen.internal.partitioned;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FairShareTests {

	@Test
	void aloneAnInstanceKeepsEveryPartition() {
		assertThat(FairShare.surplus(List.of(0, 1, 2, 3), 4, 1)).isEmpty();
	}

	@Test
	void theHighestPartitionsBeyondTheShareAreHandedOver() {
		assertThat(FairShare.surplus(List.of(0, 1, 2, 3), 4, 2)).containsExactly(2, 3);
		assertThat(FairShare.surplus(List.of(0, 1, 2, 3, 4, 5, 6, 7), 8, 3)).containsExactly(3, 4, 5, 6, 7);
		assertThat(FairShare.surplus(List.of(1, 3), 4, 2)).isEmpty();
	}

	@Test
	void theShareRoundsUpSoThatEveryPartitionHasAHome() {
		assertThat(FairShare.surplus(List.of(0, 1, 2), 3, 2)).containsExactly(2);
		assertThat(FairShare.surplus(List.of(0), 3, 5)).isEmpty();
	}

}
