package io.eventsource.listen.internal.dispatch;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.LongString;
import io.eventsource.store.internal.ParkedPayload;
import org.jspecify.annotations.Nullable;

/**
 * The AMQP headers of a message that is not an eventsource event, as text that every
 * database stores: a value that is text is kept as text, bytes that are not text (invalid
 * UTF-8, or a NUL character) as {@value #BASE64} followed by their base64, tables and
 * arrays written out with their values treated the same way. A name or value longer than
 * {@value #MAX_BYTES} bytes is cut (and says so), and at most {@value #MAX_HEADERS}
 * headers are kept.
 */
final class MalformedHeaders {

	/** The prefix of a name or value kept as the base64 of its bytes. */
	static final String BASE64 = "base64:";

	/** The most bytes of a header's name or value kept. */
	static final int MAX_BYTES = 4096;

	/** The most headers kept. */
	static final int MAX_HEADERS = 64;

	/** The name under which the number of headers left out is given. */
	static final String LEFT_OUT = "(headers left out)";

	/** Tables and arrays nested deeper are not written out. */
	private static final int MAX_DEPTH = 8;

	private MalformedHeaders() {
	}

	/**
	 * Returns the headers as text.
	 * @param headers the AMQP headers, of any AMQP type
	 * @return the names and values, in the order of the message
	 */
	static Map<String, String> of(Map<String, ?> headers) {
		Map<String, String> kept = new LinkedHashMap<>();
		for (Map.Entry<String, ?> header : headers.entrySet()) {
			if (kept.size() == MAX_HEADERS) {
				kept.put(LEFT_OUT, Integer.toString(headers.size() - MAX_HEADERS));
				break;
			}
			kept.put(text(String.valueOf(header.getKey())), value(header.getValue(), 0));
		}
		return kept;
	}

	private static String value(@Nullable Object value, int depth) {
		if (value instanceof byte[] bytes) {
			return bytes(bytes);
		}
		if (value instanceof LongString longString) {
			return bytes(longString.getBytes());
		}
		if (value instanceof Map<?, ?> table) {
			return written(table.entrySet(), depth, '{', '}');
		}
		if (value instanceof List<?> array) {
			return written(array, depth, '[', ']');
		}
		return text(String.valueOf(value));
	}

	private static String written(Iterable<?> items, int depth, char open, char close) {
		if (depth >= MAX_DEPTH) {
			return open + "…" + close;
		}
		StringBuilder written = new StringBuilder().append(open);
		for (Object item : items) {
			if (written.length() > MAX_BYTES) {
				break;
			}
			if (written.length() > 1) {
				written.append(", ");
			}
			if (item instanceof Map.Entry<?, ?> entry) {
				written.append(text(String.valueOf(entry.getKey()))).append('=');
				item = entry.getValue();
			}
			written.append(value(item, depth + 1));
		}
		return text(written.append(close).toString());
	}

	private static String text(String text) {
		return (text.indexOf('\u0000') >= 0) ? bytes(text.getBytes(StandardCharsets.UTF_8))
				: cut(text.getBytes(StandardCharsets.UTF_8), text);
	}

	private static String bytes(byte[] bytes) {
		String text = ParkedPayload.text(bytes);
		if (text != null) {
			return cut(bytes, text);
		}
		boolean cut = bytes.length > MAX_BYTES;
		String encoded = BASE64 + Base64.getEncoder().encodeToString(cut ? Arrays.copyOf(bytes, MAX_BYTES) : bytes);
		return cut ? encoded + cutNote(bytes.length) : encoded;
	}

	private static String cut(byte[] bytes, String text) {
		if (bytes.length <= MAX_BYTES) {
			return text;
		}
		ParkedPayload kept = ParkedPayload.of(bytes, null, MAX_BYTES);
		return kept.content() + cutNote(bytes.length);
	}

	private static String cutNote(int length) {
		return "…(cut, " + length + " bytes)";
	}

}
