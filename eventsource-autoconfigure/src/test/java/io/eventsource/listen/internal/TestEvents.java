package io.eventsource.listen.internal;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;

/**
 * Event classes and metadata shared by the listener tests.
 */
final class TestEvents {

	private TestEvents() {
	}

	static EventMetadata metadata(String eventType) {
		return new EventMetadata(UUID.randomUUID(), "Product", "123", 1, eventType, Instant.now(), "correlation", null,
				"orders", Map.of());
	}

	@EventType(aggregate = "Product")
	record ProductCreated(String sku, String title) {
	}

	@EventType(name = "ProductRenamed", aggregate = "Product")
	record Renamed(String title) {
	}

	@EventType(aggregate = "Order")
	record OrderPlaced(String orderId) {
	}

	record Unowned(String value) {
	}

	@EventType(aggregate = "not valid")
	record BadlyOwned(String value) {
	}

}
