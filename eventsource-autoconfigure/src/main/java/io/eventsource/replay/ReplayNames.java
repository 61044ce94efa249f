package io.eventsource.replay;

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
 * {@code reply-to} names the queue to answer into.
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
