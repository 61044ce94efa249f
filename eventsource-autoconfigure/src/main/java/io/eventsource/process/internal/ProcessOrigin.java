package io.eventsource.process.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.publish.PublishOptions;

/**
 * Where an event of a process instance's stream came from: the headers that carry the
 * followed event's identity into its copy in the stream, and back out to the handler.
 */
final class ProcessOrigin {

	static final String EVENT_ID = "origineventid";

	static final String AGGREGATE_TYPE = "originaggtype";

	static final String AGGREGATE_ID = "originaggid";

	static final String SEQUENCE = "originsequence";

	static final String SOURCE = "originsource";

	static final String CAUSATION_ID = "origincause";

	private ProcessOrigin() {
	}

	static PublishOptions carried(EventMetadata followed, PublishOptions options) {
		PublishOptions carried = (followed.causationId() != null)
				? options.withHeader(CAUSATION_ID, followed.causationId()) : options;
		return carried.withHeader(EVENT_ID, followed.eventId().toString())
			.withHeader(AGGREGATE_TYPE, followed.aggregateType())
			.withHeader(AGGREGATE_ID, followed.aggregateId())
			.withHeader(SEQUENCE, Long.toString(followed.sequence()))
			.withHeader(SOURCE, followed.source());
	}

	/**
	 * Returns the metadata of the followed event an event of the stream is a copy of, or
	 * the stream event itself when it is the process's own (a timeout).
	 */
	static EventMetadata of(EventMetadata streamEvent) {
		Map<String, String> headers = streamEvent.headers();
		String eventId = headers.get(EVENT_ID);
		if (eventId == null) {
			return streamEvent;
		}
		Map<String, String> rest = new LinkedHashMap<>(headers);
		rest.keySet().removeAll(List.of(EVENT_ID, AGGREGATE_TYPE, AGGREGATE_ID, SEQUENCE, SOURCE, CAUSATION_ID));
		return new EventMetadata(UUID.fromString(eventId), headers.get(AGGREGATE_TYPE), headers.get(AGGREGATE_ID),
				Long.parseLong(headers.get(SEQUENCE)), streamEvent.eventType(), streamEvent.occurredAt(),
				streamEvent.correlationId(), headers.get(CAUSATION_ID), headers.get(SOURCE), rest);
	}

}
