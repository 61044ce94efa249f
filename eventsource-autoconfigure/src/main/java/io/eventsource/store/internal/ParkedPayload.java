package io.eventsource.store.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The body of a parked message as {@code parked_events} keeps it, whatever bytes it
 * carried: as text when it is valid UTF-8 without a NUL character (which PostgreSQL's
 * {@code TEXT} refuses), otherwise as the base64 of its bytes. A body may have been cut
 * to a maximum size; the bytes kept are then the first ones of the body, and such a body
 * can be looked at, never applied.
 *
 * @param encoding how {@code content} holds the bytes
 * @param content the text, or the base64 of the bytes
 * @param contentType the content type the message declared, {@code null} when unknown
 * @param truncated whether the body was cut
 */
public record ParkedPayload(Encoding encoding, String content, @Nullable String contentType, boolean truncated) {

	/** The longest content type kept, the length of its column. */
	public static final int MAX_CONTENT_TYPE_LENGTH = 255;

	public ParkedPayload {
		Assert.notNull(encoding, "'encoding' must not be null");
		Assert.notNull(content, "'content' must not be null");
	}

	/**
	 * Keeps a whole body.
	 * @param body the bytes
	 * @param contentType the declared content type, {@code null} when unknown
	 * @return the payload
	 */
	public static ParkedPayload of(byte[] body, @Nullable String contentType) {
		return of(body, contentType, Integer.MAX_VALUE);
	}

	/**
	 * Keeps a body, cut to at most {@code maxBytes} bytes; a text is cut before a
	 * character that would not fit whole, so that it stays text.
	 * @param body the bytes
	 * @param contentType the declared content type, {@code null} when unknown
	 * @param maxBytes the most bytes kept
	 * @return the payload
	 */
	public static ParkedPayload of(byte[] body, @Nullable String contentType, int maxBytes) {
		Assert.isTrue(maxBytes > 0, "'maxBytes' must be positive");
		boolean truncated = body.length > maxBytes;
		byte[] kept = truncated ? Arrays.copyOf(body, characterBoundary(body, maxBytes)) : body;
		String text = text(kept);
		String type = (contentType != null) ? storable(contentType, MAX_CONTENT_TYPE_LENGTH) : null;
		return (text != null) ? new ParkedPayload(Encoding.TEXT, text, type, truncated)
				: new ParkedPayload(Encoding.BASE64, Base64.getEncoder().encodeToString(kept), type, truncated);
	}

	/**
	 * Returns the bytes kept.
	 * @return the bytes: the whole body, or its first bytes when it was cut
	 */
	public byte[] bytes() {
		return (this.encoding == Encoding.TEXT) ? this.content.getBytes(StandardCharsets.UTF_8)
				: Base64.getDecoder().decode(this.content);
	}

	/**
	 * Returns the text of bytes that are valid UTF-8 without a NUL character.
	 * @param bytes the bytes
	 * @return the text, or {@code null} when they are not such text
	 */
	public static @Nullable String text(byte[] bytes) {
		for (byte b : bytes) {
			if (b == 0) {
				return null;
			}
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	/**
	 * Returns a text that every database takes into a text column: NUL characters
	 * replaced by U+FFFD, cut to a length.
	 * @param text the text
	 * @param maxLength the most characters kept
	 * @return the text to store
	 */
	public static String storable(String text, int maxLength) {
		String cut = (text.length() > maxLength) ? text.substring(0, maxLength) : text;
		if (!cut.isEmpty() && Character.isHighSurrogate(cut.charAt(cut.length() - 1))) {
			cut = cut.substring(0, cut.length() - 1);
		}
		return (cut.indexOf('\u0000') >= 0) ? cut.replace('\u0000', '\uFFFD') : cut;
	}

	/**
	 * Moves a cut back over the continuation bytes of a UTF-8 character (at most three),
	 * so that a text cut there is still valid UTF-8.
	 */
	private static int characterBoundary(byte[] body, int cut) {
		int boundary = cut;
		while (boundary > 0 && cut - boundary < 3 && (body[boundary] & 0xC0) == 0x80) {
			boundary--;
		}
		return ((body[boundary] & 0xC0) == 0x80) ? cut : boundary;
	}

	/**
	 * How {@code content} holds the bytes, as the {@code payload_encoding} column names
	 * it.
	 */
	public enum Encoding {

		/** The bytes are valid UTF-8 without NUL; the content is their text. */
		TEXT,

		/** The content is the base64 of the bytes. */
		BASE64;

		/**
		 * Returns the value of the {@code payload_encoding} column.
		 * @return the lower-case name
		 */
		public String columnValue() {
			return name().toLowerCase(Locale.ROOT);
		}

		/**
		 * Reads the value of the {@code payload_encoding} column.
		 * @param value the column's value, {@code null} for a row written before it
		 * existed
		 * @return the encoding; text for an unknown value
		 */
		public static Encoding fromColumn(@Nullable String value) {
			return "base64".equals(value) ? BASE64 : TEXT;
		}

	}

}
