package io.eventsource.process.internal;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.eventsource.envelope.internal.EventTypes;
import io.eventsource.process.ProcessCompleted;
import io.eventsource.process.ProcessEventRejected;
import io.eventsource.process.ProcessStarted;
import io.eventsource.process.ProcessTimedOut;
import io.eventsource.process.ProcessUpgraded;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The names the machinery matches on are the names the API's event classes declare.
 */
class OwnEventTypesTests {

	@Test
	void eachNameIsTheEventTypeOfItsClass() {
		assertThat(EventTypes.nameOf(ProcessStarted.class)).isEqualTo(OwnEventTypes.STARTED);
		assertThat(EventTypes.nameOf(ProcessUpgraded.class)).isEqualTo(OwnEventTypes.UPGRADED);
		assertThat(EventTypes.nameOf(ProcessEventRejected.class)).isEqualTo(OwnEventTypes.REJECTED);
		assertThat(EventTypes.nameOf(ProcessCompleted.class)).isEqualTo(OwnEventTypes.COMPLETED);
		assertThat(EventTypes.nameOf(ProcessTimedOut.class)).isEqualTo(OwnEventTypes.TIMED_OUT);
		Set<String> all = Stream
			.of(ProcessStarted.class, ProcessUpgraded.class, ProcessEventRejected.class, ProcessCompleted.class,
					ProcessTimedOut.class)
			.map(EventTypes::nameOf)
			.collect(Collectors.toSet());
		assertThat(OwnEventTypes.ALL).isEqualTo(all);
	}

	@Test
	void onlyATimeoutRunsAHandler() {
		assertThat(OwnEventTypes.ALL).filteredOn((type) -> !OwnEventTypes.isRecord(type))
			.containsExactly(OwnEventTypes.TIMED_OUT);
	}

}
