package io.eventsource.envelope.internal;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Shortens text that came from the wire (an aggregate id, a header value, a body) so that
 * it can go into a log line or an exception message: whatever its length, the result
 * keeps at most a fixed number of characters, says how long the original was, and holds
 * no control character, so one line stays one bounded line.
 */
public final class UntrustedText {

	/** The characters of an untrusted text a log line keeps by default. */
	public static final int DEFAULT_KEPT = 64;

	private UntrustedText() {
	}

	/**
	 * Abbreviates a text to its first {@value #DEFAULT_KEPT} characters.
	 * @param text the text, or {@code null}
	 * @return the text, shortened and escaped where needed
	 * @see #abbreviate(String, int)
	 */
	public static String abbreviate(@Nullable String text) {
		return abbreviate(text, DEFAULT_KEPT);
	}

	/**
	 * Abbreviates a text: a text of at most {@code kept} characters without control
	 * characters is returned as it is; a longer one is cut to its first {@code kept}
	 * characters followed by {@code ...(N chars)}; control characters are written as
	 * <code>&#92;uXXXX</code>.
	 * @param text the text, or {@code null}
	 * @param kept how many characters of the text to keep, at least 1
	 * @return the text, shortened and escaped where needed, {@code "null"} for
	 * {@code null}
	 */
	public static String abbreviate(@Nullable String text, int kept) {
		if (text == null) {
			return "null";
		}
		String head = escapedHead(text, kept);
		return (text.length() > Math.max(1, kept)) ? head + "...(" + text.length() + " chars)" : head;
	}

	/**
	 * Abbreviates bytes read as UTF-8, malformed sequences shown as U+FFFD, to their
	 * first {@value #DEFAULT_KEPT} characters; the length given for a longer text is in
	 * bytes.
	 * @param bytes the bytes
	 * @return the text, shortened and escaped where needed
	 */
	public static String abbreviate(byte[] bytes) {
		// decode no more than can be kept: the bytes may be megabytes
		int decoded = Math.min(bytes.length, DEFAULT_KEPT * 4);
		String text = new String(bytes, 0, decoded, StandardCharsets.UTF_8);
		String head = escapedHead(text, DEFAULT_KEPT);
		return (decoded < bytes.length || text.length() > DEFAULT_KEPT) ? head + "...(" + bytes.length + " bytes)"
				: head;
	}

	private static String escapedHead(String text, int kept) {
		int end = Math.min(text.length(), Math.max(1, kept));
		if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
			// never half a character
			end--;
		}
		StringBuilder head = new StringBuilder(end + 8);
		for (int i = 0; i < end; i++) {
			char c = text.charAt(i);
			// a line break or terminal escape from the wire must not forge log lines
			if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
				head.append(String.format("\\u%04x", (int) c));
			}
			else {
				head.append(c);
			}
		}
		return head.toString();
	}

}
