package io.eventsource.listen.internal;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;

/**
 * Event classes and metadata shared by the listener tests.
 */
public final class TestEvents {

	private TestEvents() {
	}

	public static EventMetadata metadata(String eventType) {
		return new EventMetadata(UUID.randomUUID(), "Product", "123", 1, eventType, Instant.now(), "correlation", null,
				"orders", Map.of());
	}

	@EventType(aggregate = "Product")
	public record ProductCreated(String sku, String title) {
	}

	@EventType(name = "ProductRenamed", aggregate = "Product")
	public record Renamed(String title) {
	}

	@EventType(aggregate = "Order")
	public record OrderPlaced(String orderId) {
	}

	public record Unowned(String value) {
	}

	@EventType(aggregate = "not valid")
	public record BadlyOwned(String value) {
	}

}
