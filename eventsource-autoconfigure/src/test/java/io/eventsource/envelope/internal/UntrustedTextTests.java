package io.eventsource.envelope.internal;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UntrustedText}.
 */
class UntrustedTextTests {

	@Test
	void shortPlainTextIsKeptAsItIs() {
		assertThat(UntrustedText.abbreviate("order-42")).isEqualTo("order-42");
		assertThat(UntrustedText.abbreviate("")).isEmpty();
		assertThat(UntrustedText.abbreviate((String) null)).isEqualTo("null");
	}

	@Test
	void longTextIsCutAndItsLengthGiven() {
		String id = "x".repeat(70_000);
		String shown = UntrustedText.abbreviate(id);
		assertThat(shown).isEqualTo("x".repeat(UntrustedText.DEFAULT_KEPT) + "...(70000 chars)");
		assertThat(UntrustedText.abbreviate(id, 10)).isEqualTo("xxxxxxxxxx...(70000 chars)");
	}

	@Test
	void controlCharactersCannotBreakTheLine() {
		assertThat(UntrustedText.abbreviate("a\nb\r\u0000\u001b[31m\u2028"))
			.isEqualTo("a\\u000ab\\u000d\\u0000\\u001b[31m\\u2028");
	}

	@Test
	void aSurrogatePairIsNeverCutInHalf() {
		String text = "a".repeat(UntrustedText.DEFAULT_KEPT - 1) + "\uD83D\uDE00" + "b";
		assertThat(UntrustedText.abbreviate(text)).startsWith("a".repeat(UntrustedText.DEFAULT_KEPT - 1) + "...(");
	}

	@Test
	void bytesAreReadAsUtf8AndOnlyTheirHeadIsDecoded() {
		assertThat(UntrustedText.abbreviate("Lamp".getBytes(StandardCharsets.UTF_8))).isEqualTo("Lamp");
		byte[] huge = new byte[1_000_000];
		huge[0] = (byte) 0xff;
		String shown = UntrustedText.abbreviate(huge);
		assertThat(shown).startsWith("\uFFFD\\u0000").endsWith("...(1000000 bytes)");
		assertThat(shown.length()).isLessThan(450);
	}

}
