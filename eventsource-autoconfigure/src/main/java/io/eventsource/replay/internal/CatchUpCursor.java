package io.eventsource.replay.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import io.eventsource.envelope.internal.UntrustedText;

/**
 * Where a consumer's catch-up stands in one producer's log: the {@code relayed_at} and id
 * of the last event it was sent, in the producer's {@code (relayed_at, id)} order.
 *
 * @param relayedAt the {@code relayed_at} of the last event sent
 * @param id its row id
 */
public record CatchUpCursor(Instant relayedAt, long id) {

	/** Before the first event. */
	public static final CatchUpCursor BEGINNING = new CatchUpCursor(Instant.EPOCH, 0);

	/**
	 * Reads a cursor written by {@link #toString()}.
	 * @param text the text
	 * @return the cursor
	 * @throws IllegalArgumentException if the text is not a cursor; its message quotes
	 * the text abbreviated
	 */
	public static CatchUpCursor parse(String text) {
		int separator = text.lastIndexOf('|');
		try {
			return new CatchUpCursor(Instant.parse(text.substring(0, separator)),
					Long.parseLong(text.substring(separator + 1)));
		}
		catch (DateTimeParseException | IndexOutOfBoundsException | NumberFormatException ex) {
			// the text may come from the wire: shortened, and without the cause that
			// quotes it whole
			throw new IllegalArgumentException("Not a catch-up cursor: '" + UntrustedText.abbreviate(text) + "'");
		}
	}

	@Override
	public String toString() {
		return this.relayedAt + "|" + this.id;
	}

}
