package io.eventsource.sample.restaurant;

import io.eventsource.envelope.EventMetadata;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One log line per event, so that the flow of an order can be followed across services.
 */
final class FlowLog {

	private static final Log logger = LogFactory.getLog("restaurant");

	private FlowLog() {
	}

	static void log(String who, EventMetadata event, String what) {
		logger.info(
				String.format("%-8s %-14s %s-%s #%d id=%s cause=%s | %s", who, event.eventType(), event.aggregateType(),
						shortId(event.aggregateId()), event.sequence(), shortId(event.eventId().toString()),
						(event.causationId() != null) ? shortId(event.causationId()) : "-", what));
	}

	/**
	 * Shortens an id to its last 8 characters. The first digits of a version 7 UUID are
	 * its time, the same for every event of an order; the last ones are random and tell
	 * the events apart.
	 */
	static String shortId(String id) {
		return (id.length() > 8) ? id.substring(id.length() - 8) : id;
	}

}
