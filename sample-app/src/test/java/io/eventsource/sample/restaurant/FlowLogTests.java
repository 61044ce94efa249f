package io.eventsource.sample.restaurant;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The restaurant's log lines, read by a newcomer following an order.
 */
class FlowLogTests {

	@Test
	void theEventsOfOneMillisecondShowIdsThatTellThemApart() {
		long millis = System.currentTimeMillis();
		Set<String> shown = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			// a version 7 UUID: 48 bits of time, the version, then random bits
			long random = ThreadLocalRandom.current().nextLong();
			UUID id = new UUID((millis << 16) | 0x7000 | (random >>> 52),
					(random & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
			assertThat(id.version()).isEqualTo(7);
			shown.add(FlowLog.shortId(id.toString()));
		}
		assertThat(shown).hasSize(100).allMatch((shortId) -> shortId.length() == 8);
	}

	@Test
	void aShortIdIsShownWhole() {
		assertThat(FlowLog.shortId("order-1")).isEqualTo("order-1");
	}

}
