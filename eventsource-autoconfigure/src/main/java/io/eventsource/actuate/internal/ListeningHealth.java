package io.eventsource.actuate.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.eventsource.listen.ListenerContainer;
import org.jspecify.annotations.Nullable;

/**
 * What the health of a service that listens looks at besides the outbox, the broker and
 * the registry.
 *
 * @param listeners the listener containers, those of the topologies this service listens
 * on are running
 * @param heartbeatInterval how often the listener heartbeats; three missed ones are DOWN
 * @param parkedCounts the parked events of this service by projection, shown in the
 * details (parked events do not make health DOWN: they are data to look at, not a service
 * that is down), or {@code null}
 */
public record ListeningHealth(List<ListenerContainer> listeners, Duration heartbeatInterval,
		@Nullable Supplier<Map<String, Long>> parkedCounts) {

	/** A service that does not listen. */
	public static final ListeningHealth NONE = new ListeningHealth(List.of(), Duration.ofSeconds(10), null);

	public ListeningHealth {
		listeners = List.copyOf(listeners);
	}

}
