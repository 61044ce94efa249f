package io.eventsource.sample;

import io.eventsource.envelope.EventType;

/**
 * The events of the {@code Product} aggregate. Consumers bind the names, never these
 * classes.
 */
final class ProductEvents {

	static final String AGGREGATE = "Product";

	private ProductEvents() {
	}

	@EventType(aggregate = AGGREGATE)
	record ProductCreated(String sku, String title) {
	}

	@EventType(aggregate = AGGREGATE)
	record PriceChanged(long priceInCents) {
	}

}
