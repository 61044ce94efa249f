package io.eventsource.listen.internal.peraggregate;

import java.nio.charset.StandardCharsets;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AnnouncedIds}.
 */
class AnnouncedIdsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AnnouncedIds ids = new AnnouncedIds(this.registry, "billing");

	@Test
	void aValidIdIsRead() {
		assertThat(this.ids.read("Order", "order-\u00e942".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo("order-\u00e942");
		assertThat(this.registry.find("eventsource.announcements.dropped").counters()).isEmpty();
	}

	@Test
	void whatCanNeverNameAQueueIsDroppedAndCountedByReason() {
		assertThat(this.ids.read("Order", new byte[0])).isNull();
		assertThat(this.ids.read("Order", " ".getBytes(StandardCharsets.UTF_8))).isNull();
		assertThat(this.ids.read("Order", "x".repeat(70_000).getBytes(StandardCharsets.UTF_8))).isNull();
		assertThat(this.ids.read("Order", new byte[] { 'a', (byte) 0xff, 'b' })).isNull();
		assertThat(this.ids.read("Order", new byte[] { 'a', 0, 'b' })).isNull();
		assertThat(dropped("empty")).isEqualTo(2);
		assertThat(dropped("too-long")).isOne();
		assertThat(dropped("not-utf8")).isOne();
		assertThat(dropped("invalid-characters")).isOne();
	}

	private double dropped(String reason) {
		return this.registry.get("eventsource.announcements.dropped")
			.tag("aggregate.type", "Order")
			.tag("service", "billing")
			.tag("reason", reason)
			.counter()
			.count();
	}

}
