package io.eventsource.replay.internal;

import io.eventsource.envelope.internal.UntrustedText;

/**
 * A request for the events of one aggregate from a sequence on.
 *
 * @param aggregateType the aggregate type
 * @param aggregateId the aggregate id
 * @param fromSequence the first sequence asked for
 * @param toSequence the last sequence asked for, {@code 0} for every later one
 */
public record ReplayRequest(String aggregateType, String aggregateId, long fromSequence, long toSequence) {

	/**
	 * Returns whether a sequence is asked for.
	 * @param sequence the sequence
	 * @return {@code true} when it is in the range
	 */
	public boolean includes(long sequence) {
		return sequence >= this.fromSequence && (this.toSequence == 0 || sequence <= this.toSequence);
	}

	/**
	 * Returns the aggregate and the sequences asked for, names {@linkplain UntrustedText
	 * abbreviated}: a request may come from the wire.
	 * @return the request, for a log line
	 */
	@Override
	public String toString() {
		return UntrustedText.abbreviate(this.aggregateType) + "-" + UntrustedText.abbreviate(this.aggregateId) + " #"
				+ this.fromSequence + ".." + ((this.toSequence > 0) ? Long.toString(this.toSequence) : "");
	}

}
