package io.eventsource.store.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import io.eventsource.store.internal.ParkedPayload.Encoding;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ParkedPayload}.
 */
class ParkedPayloadTests {

	@Test
	void textIsKeptAsText() {
		byte[] body = "{\"note\": \"caf\u00e9 \ud83d\ude00\"}".getBytes(StandardCharsets.UTF_8);
		ParkedPayload payload = ParkedPayload.of(body, "application/json");
		assertThat(payload.encoding()).isEqualTo(Encoding.TEXT);
		assertThat(payload.content()).isEqualTo("{\"note\": \"caf\u00e9 \ud83d\ude00\"}");
		assertThat(payload.contentType()).isEqualTo("application/json");
		assertThat(payload.truncated()).isFalse();
		assertThat(payload.bytes()).isEqualTo(body);
	}

	@Test
	void bytesWithNulOrInvalidUtf8AreKeptAsBase64() {
		byte[] nul = { 'a', 0, 'b' };
		byte[] invalid = { 'a', (byte) 0xC3, '(', (byte) 0xFF };
		for (byte[] body : new byte[][] { nul, invalid }) {
			ParkedPayload payload = ParkedPayload.of(body, null);
			assertThat(payload.encoding()).isEqualTo(Encoding.BASE64);
			assertThat(payload.content()).isEqualTo(Base64.getEncoder().encodeToString(body));
			assertThat(payload.truncated()).isFalse();
			assertThat(payload.bytes()).isEqualTo(body);
		}
	}

	@Test
	void anOversizedBodyIsCutToItsFirstBytes() {
		byte[] binary = new byte[100];
		Arrays.fill(binary, (byte) 0xFF);
		ParkedPayload cutBinary = ParkedPayload.of(binary, null, 10);
		assertThat(cutBinary.encoding()).isEqualTo(Encoding.BASE64);
		assertThat(cutBinary.truncated()).isTrue();
		assertThat(cutBinary.bytes()).isEqualTo(Arrays.copyOf(binary, 10));

		ParkedPayload cutText = ParkedPayload.of("x".repeat(100).getBytes(StandardCharsets.UTF_8), "text/plain", 10);
		assertThat(cutText.encoding()).isEqualTo(Encoding.TEXT);
		assertThat(cutText.truncated()).isTrue();
		assertThat(cutText.content()).isEqualTo("x".repeat(10));

		ParkedPayload exact = ParkedPayload.of(new byte[] { 'a', 'b' }, null, 2);
		assertThat(exact.truncated()).isFalse();
	}

	@Test
	void aTextIsCutBeforeACharacterThatDoesNotFitWhole() {
		// "é" is two bytes, "😀" four: a cut in the middle of either keeps the text valid
		byte[] body = "a\u00e9\ud83d\ude00".getBytes(StandardCharsets.UTF_8);
		assertThat(ParkedPayload.of(body, null, 2).content()).isEqualTo("a");
		assertThat(ParkedPayload.of(body, null, 3).content()).isEqualTo("a\u00e9");
		for (int cut = 4; cut < 7; cut++) {
			ParkedPayload payload = ParkedPayload.of(body, null, cut);
			assertThat(payload.encoding()).isEqualTo(Encoding.TEXT);
			assertThat(payload.content()).isEqualTo("a\u00e9");
		}
	}

	@Test
	void storableTextHasNoNulAndNoHalfOfASurrogatePair() {
		assertThat(ParkedPayload.storable("a\u0000b", 10)).isEqualTo("a\ufffdb");
		assertThat(ParkedPayload.storable("abcdef", 3)).isEqualTo("abc");
		assertThat(ParkedPayload.storable("a\ud83d\ude00", 2)).isEqualTo("a");
	}

	@Test
	void rowsWrittenBeforeTheEncodingColumnAreText() {
		assertThat(Encoding.fromColumn(null)).isEqualTo(Encoding.TEXT);
		assertThat(Encoding.fromColumn("text")).isEqualTo(Encoding.TEXT);
		assertThat(Encoding.fromColumn("base64")).isEqualTo(Encoding.BASE64);
		assertThat(Encoding.BASE64.columnValue()).isEqualTo("base64");
	}

}
