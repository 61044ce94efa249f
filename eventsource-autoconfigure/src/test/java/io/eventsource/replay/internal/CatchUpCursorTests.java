package io.eventsource.replay.internal;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CatchUpCursor}.
 */
class CatchUpCursorTests {

	@Test
	void readsWhatItWrites() {
		CatchUpCursor cursor = new CatchUpCursor(Instant.parse("2026-12-01T10:15:30.123456Z"), 42);
		assertThat(CatchUpCursor.parse(cursor.toString())).isEqualTo(cursor);
	}

	@Test
	void aTextThatIsNoCursorIsQuotedAbbreviatedWithoutTheCauseThatQuotesItWhole() {
		String text = "2026-12-01T10:15:30Z|" + "9".repeat(5_000);
		assertThatIllegalArgumentException().isThrownBy(() -> CatchUpCursor.parse(text))
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(200).contains("(5021 chars)"))
			.withNoCause();
	}

}
