package io.eventsource.publish.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTests {

	@Test
	void anIdIsAVersion7UuidCarryingItsMillisecond() {
		long millis = 1_796_515_200_123L;
		UUID id = EventIds.next(millis);
		assertThat(id.version()).isEqualTo(7);
		assertThat(id.variant()).isEqualTo(2);
		assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
	}

	@Test
	void idsOfLaterMillisecondsSortAfterEarlierOnesAsTextToo() {
		List<String> ids = new ArrayList<>();
		for (long millis = 1_796_515_200_000L; millis < 1_796_515_200_000L + 1_000; millis++) {
			ids.add(EventIds.next(millis).toString());
		}
		assertThat(ids).isSorted();
	}

	@Test
	void idsOfOneMillisecondDiffer() {
		Set<UUID> ids = new HashSet<>();
		for (int i = 0; i < 100_000; i++) {
			ids.add(EventIds.next(1_796_515_200_000L));
		}
		assertThat(ids).hasSize(100_000);
	}

}
