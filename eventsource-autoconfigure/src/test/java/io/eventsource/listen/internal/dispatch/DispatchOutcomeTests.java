package io.eventsource.listen.internal.dispatch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DispatchOutcome}.
 */
class DispatchOutcomeTests {

	@Test
	void aMessageIsDoneOnlyWhenEveryProjectionIs() {
		assertThat(DispatchOutcome.OK.and(DispatchOutcome.DUPLICATE).isDone()).isTrue();
		assertThat(DispatchOutcome.OK.and(DispatchOutcome.IGNORED).isDone()).isTrue();
		assertThat(DispatchOutcome.OK.and(DispatchOutcome.GAP)).isEqualTo(DispatchOutcome.GAP);
		assertThat(DispatchOutcome.GAP.and(DispatchOutcome.FAIL)).isEqualTo(DispatchOutcome.FAIL);
		assertThat(DispatchOutcome.FAIL.and(DispatchOutcome.OK)).isEqualTo(DispatchOutcome.FAIL);
	}

	@Test
	void tagValuesAreLowerCase() {
		assertThat(DispatchOutcome.DUPLICATE.tagValue()).isEqualTo("duplicate");
	}

}
