package io.eventsource.replay.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReplayRequest}.
 */
class ReplayRequestTests {

	@Test
	void includesTheSequencesAskedFor() {
		ReplayRequest request = new ReplayRequest("Product", "A-1", 5, 9);
		assertThat(request.includes(4)).isFalse();
		assertThat(request.includes(5)).isTrue();
		assertThat(request.includes(9)).isTrue();
		assertThat(request.includes(10)).isFalse();
		assertThat(new ReplayRequest("Product", "A-1", 5, 0).includes(Long.MAX_VALUE)).isTrue();
	}

	@Test
	void printsTheAggregateAbbreviatedForALogLine() {
		assertThat(new ReplayRequest("Product", "A-1", 5, 9)).hasToString("Product-A-1 #5..9");
		assertThat(new ReplayRequest("Product", "A-1", 5, 0)).hasToString("Product-A-1 #5..");
		String printed = new ReplayRequest("Product", "A\u0000" + "9".repeat(70_000), 1, 0).toString();
		assertThat(printed).hasSizeLessThan(120).contains("A\\u0000").endsWith("...(70002 chars) #1..");
	}

}
