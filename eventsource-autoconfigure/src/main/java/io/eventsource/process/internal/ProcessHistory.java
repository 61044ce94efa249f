package io.eventsource.process.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.process.ProcessEventRejected;
import io.eventsource.process.ProcessStarted;
import io.eventsource.process.ProcessUpgraded;
import io.eventsource.store.internal.StoredEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * A process instance's stream up to one event, read: the version in effect, the events to
 * replay (the followed events and timeouts, without those it rejected), and whether it
 * had completed.
 */
final class ProcessHistory {

	private final int version;

	private final List<StoredEvent> replayed;

	private final boolean completed;

	private ProcessHistory(int version, List<StoredEvent> replayed, boolean completed) {
		this.version = version;
		this.replayed = replayed;
		this.completed = completed;
	}

	/**
	 * Reads the events of a stream before the current one.
	 * @param before the events before the current one, in sequence order
	 * @param stream the whole stream as far as it is written: the marker of an event
	 * rejected before the current one may come after the current one
	 * @param jsonMapper the mapper of the library's own events
	 */
	static ProcessHistory of(List<StoredEvent> before, List<StoredEvent> stream, JsonMapper jsonMapper) {
		Set<String> rejected = new HashSet<>();
		for (StoredEvent stored : stream) {
			if (stored.envelope().metadata().eventType().equals(OwnEventTypes.REJECTED)) {
				rejected.add(jsonMapper.readValue(stored.envelope().payload(), ProcessEventRejected.class).eventId());
			}
		}
		int version = 0;
		boolean completed = false;
		List<StoredEvent> replayed = new ArrayList<>();
		for (StoredEvent stored : before) {
			EventMetadata metadata = stored.envelope().metadata();
			String payload = stored.envelope().payload();
			switch (metadata.eventType()) {
				case OwnEventTypes.STARTED -> version = jsonMapper.readValue(payload, ProcessStarted.class).version();
				case OwnEventTypes.UPGRADED ->
					version = jsonMapper.readValue(payload, ProcessUpgraded.class).toVersion();
				case OwnEventTypes.COMPLETED -> completed = true;
				case OwnEventTypes.REJECTED -> {
					// read above
				}
				default -> replayed.add(stored);
			}
		}
		replayed.removeIf((stored) -> rejected.contains(stored.envelope().metadata().eventId().toString()));
		return new ProcessHistory(version, replayed, completed);
	}

	int version() {
		return this.version;
	}

	List<StoredEvent> replayed() {
		return this.replayed;
	}

	boolean completed() {
		return this.completed;
	}

}
