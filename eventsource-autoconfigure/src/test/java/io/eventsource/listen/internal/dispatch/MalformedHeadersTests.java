package io.eventsource.listen.internal.dispatch;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.impl.LongStringHelper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MalformedHeaders}.
 */
class MalformedHeadersTests {

	@Test
	void textStaysTextAndBytesThatAreNotTextAreBase64() {
		Map<String, Object> headers = new LinkedHashMap<>();
		headers.put("plain", "value");
		headers.put("long", LongStringHelper.asLongString("caf\u00e9"));
		headers.put("nul", "a\u0000b");
		headers.put("invalid", LongStringHelper.asLongString(new byte[] { 'a', (byte) 0xFF }));
		headers.put("bytes", new byte[] { 0, 1, 2 });
		headers.put("n\u0000ame", 1);
		headers.put("none", null);
		Map<String, String> kept = MalformedHeaders.of(headers);
		assertThat(kept).containsEntry("plain", "value")
			.containsEntry("long", "caf\u00e9")
			.containsEntry("nul", "base64:" + base64("a\u0000b".getBytes(StandardCharsets.UTF_8)))
			.containsEntry("invalid", "base64:" + base64(new byte[] { 'a', (byte) 0xFF }))
			.containsEntry("bytes", "base64:" + base64(new byte[] { 0, 1, 2 }))
			.containsEntry("base64:" + base64("n\u0000ame".getBytes(StandardCharsets.UTF_8)), "1")
			.containsEntry("none", "null");
		assertThat(String.join("", kept.keySet()) + String.join("", kept.values())).doesNotContain("\u0000");
	}

	@Test
	void tablesAndArraysAreWrittenOutWithTheirValuesMadeText() {
		Map<String, Object> headers = new LinkedHashMap<>();
		headers.put("table", Map.of("k", LongStringHelper.asLongString(new byte[] { 0 })));
		headers.put("array", List.of(1, true, new BigDecimal("1.5"), "x\u0000"));
		headers.put("date", new Date(0));
		Map<String, String> kept = MalformedHeaders.of(headers);
		assertThat(kept.get("table")).isEqualTo("{k=base64:AA==}");
		assertThat(kept.get("array")).isEqualTo("[1, true, 1.5, base64:eAA=]");
		assertThat(kept.get("date")).isEqualTo(new Date(0).toString());
	}

	@Test
	void longValuesAndManyHeadersAreCut() {
		Map<String, Object> headers = new LinkedHashMap<>();
		headers.put("long", "y".repeat(10_000));
		headers.put("binary", new byte[10_000]);
		for (int i = 0; i < 100; i++) {
			headers.put("h" + i, i);
		}
		Map<String, String> kept = MalformedHeaders.of(headers);
		assertThat(kept.get("long")).startsWith("y".repeat(MalformedHeaders.MAX_BYTES) + "…(cut, 10000 bytes)");
		assertThat(kept.get("binary"))
			.isEqualTo("base64:" + base64(new byte[MalformedHeaders.MAX_BYTES]) + "…(cut, 10000 bytes)");
		assertThat(kept).hasSize(MalformedHeaders.MAX_HEADERS + 1).containsEntry(MalformedHeaders.LEFT_OUT, "38");
	}

	private static String base64(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

}
