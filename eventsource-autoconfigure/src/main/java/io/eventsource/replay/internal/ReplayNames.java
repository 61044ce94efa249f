package io.eventsource.replay.internal;

/**
 * The broker objects and headers of replay, shared by the services that ask and those
 * that answer.
 * <ul>
 * <li>{@value #EXCHANGE}: a durable fanout exchange that carries replay requests to every
 * producing service;</li>
 * <li>{@code eventsource.replay.{service}}: a producing service's request queue, bound to
 * it (its instances compete);</li>
 * <li>{@code eventsource.replayed.{service}}: a listening service's queue, into which
 * producers send the events asked for, with the same headers and body as on the
 * topology.</li>
 * </ul>
 * Both queues are durable and expire a minute after their last consumer. A request is an
 * empty message whose headers name the aggregate and the sequences, and whose
 * {@code reply-to} names the queue to answer into; a request that names a
 * {@linkplain #LOG_END_TO log-end queue} is also told where the producer's log of the
 * aggregate ends.
 */
public final class ReplayNames {

	/** The exchange of replay requests. */
	public static final String EXCHANGE = "eventsource.replay";

	/** Header of a request: the aggregate type. */
	public static final String AGGREGATE_TYPE = "eventsource_replay_aggregatetype";

	/** Header of a request: the aggregate id. */
	public static final String AGGREGATE_ID = "eventsource_replay_aggregateid";

	/** Header of a request: the first sequence asked for. */
	public static final String FROM_SEQUENCE = "eventsource_replay_from";

	/**
	 * Header of a request: the last sequence asked for, {@code 0} for all after the
	 * first.
	 */
	public static final String TO_SEQUENCE = "eventsource_replay_to";

	/**
	 * Header of a request or an answer: its kind, {@value #CATCH_UP} or {@value #END};
	 * absent on a request for the events of one aggregate.
	 */
	public static final String KIND = "eventsource_replay_kind";

	/** Kind of a request for an aggregate type's events after the requester's cursors. */
	public static final String CATCH_UP = "catch-up";

	/** Kind of the message that ends a producer's answer to a catch-up request. */
	public static final String END = "end";

	/**
	 * Header of a catch-up request: the requester's cursor in each producer's log, a
	 * table from producer service to {@link CatchUpCursor} text.
	 */
	public static final String CURSORS = "eventsource_replay_cursors";

	/**
	 * Header of a catch-up request: where a producer without a cursor of the requester
	 * starts, {@code beginning} or {@code now}.
	 */
	public static final String START = "eventsource_replay_start";

	/**
	 * Header of a catch-up request: the only producer that answers (when asking for the
	 * next page); of an end message: the producer that answered.
	 */
	public static final String PRODUCER = "eventsource_replay_producer";

	/** Header of an end message: the requester's new cursor in the producer's log. */
	public static final String CURSOR = "eventsource_replay_cursor";

	/** Header of an end message: whether more events follow the cursor. */
	public static final String MORE = "eventsource_replay_more";

	/**
	 * Header of a request for the events of one aggregate: the queue into which a
	 * producer whose log holds the aggregate also sends a {@value #LOG_END} message with
	 * the last sequence of the aggregate in its log. A requester that does not send it
	 * gets no such message, and a producer that does not read it sends none.
	 */
	public static final String LOG_END_TO = "eventsource_replay_logendto";

	/**
	 * Kind of the message that tells a requester where a producer's log of an aggregate
	 * ends; its {@code correlation-id} is the request's.
	 */
	public static final String LOG_END = "log-end";

	/**
	 * Header of a {@value #LOG_END} message: the last sequence of the aggregate in the
	 * producer's log, read after the request arrived.
	 */
	public static final String LAST_SEQUENCE = "eventsource_replay_lastsequence";

	private ReplayNames() {
	}

	/**
	 * The request queue of a producing service.
	 * @param service the service
	 * @return the queue name
	 */
	public static String requestQueue(String service) {
		return "eventsource.replay." + service;
	}

	/**
	 * The queue a listening service receives replayed events in.
	 * @param service the service
	 * @return the queue name
	 */
	public static String replyQueue(String service) {
		return "eventsource.replayed." + service;
	}

}
