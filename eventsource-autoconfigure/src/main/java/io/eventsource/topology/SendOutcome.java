package io.eventsource.topology;

/**
 * What became of one event handed to an {@link EventTopology}.
 */
public enum SendOutcome {

	/** The broker confirmed the event: it is in every queue it was routed to. */
	CONFIRMED(true),

	/** No service listens to the aggregate type: nothing was declared or sent. */
	NO_SUBSCRIBERS(true),

	/** The broker returned the event as unroutable: a queue or binding was missing. */
	RETURNED(false),

	/** The broker refused the event (negative confirm). */
	NACKED(false),

	/**
	 * The event was not confirmed: the channel or connection failed, or the confirm timed
	 * out.
	 */
	FAILED(false);

	private final boolean done;

	SendOutcome(boolean done) {
		this.done = done;
	}

	/**
	 * Returns whether the event needs no further sending.
	 * @return {@code true} when it may be marked relayed
	 */
	public boolean isDone() {
		return this.done;
	}

	/**
	 * Returns the tag value used in metrics.
	 * @return the lower-case name
	 */
	public String tagValue() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}
