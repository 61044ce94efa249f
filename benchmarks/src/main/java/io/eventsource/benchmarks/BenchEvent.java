package io.eventsource.benchmarks;

import tools.jackson.databind.json.JsonMapper;

/**
 * The event every run publishes: an order line whose note is padded so that its JSON is
 * exactly the payload size. Its event type is its simple class name.
 *
 * @param orderId the order id
 * @param customer the customer
 * @param sku the stock keeping unit
 * @param quantity the quantity
 * @param priceCents the price in cents
 * @param note padding
 */
record BenchEvent(String orderId, String customer, String sku, int quantity, long priceCents, String note) {

	/**
	 * Returns an event whose JSON, as the given mapper writes it, is exactly
	 * {@code bytes} long.
	 * @param jsonMapper the mapper the publisher uses
	 * @param bytes the payload size
	 * @return the event
	 */
	static BenchEvent ofSize(JsonMapper jsonMapper, int bytes) {
		BenchEvent event = new BenchEvent("0f8fad5b-d9cb-469f-a165-70867728950e", "customer-4711", "SKU-000123", 3,
				129_900, "");
		int base = jsonMapper.writeValueAsBytes(event).length;
		if (bytes < base) {
			throw new IllegalArgumentException("The payload cannot be smaller than " + base + " bytes");
		}
		return new BenchEvent(event.orderId(), event.customer(), event.sku(), event.quantity(), event.priceCents(),
				"x".repeat(bytes - base));
	}

}
