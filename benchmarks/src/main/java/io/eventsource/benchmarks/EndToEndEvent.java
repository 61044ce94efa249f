package io.eventsource.benchmarks;

import io.eventsource.envelope.EventType;

/**
 * The event of the end-to-end runs: the same fields, and so the same JSON, as
 * {@link BenchEvent}, but bound to the fixed aggregate type {@value #AGGREGATE_TYPE},
 * since a handler's event class must declare its aggregate type. The producer and the
 * handler share this class.
 *
 * @param orderId the order id
 * @param customer the customer
 * @param sku the stock keeping unit
 * @param quantity the quantity
 * @param priceCents the price in cents
 * @param note padding
 */
@EventType(aggregate = EndToEndEvent.AGGREGATE_TYPE)
record EndToEndEvent(String orderId, String customer, String sku, int quantity, long priceCents, String note) {

	/** The aggregate type of the end-to-end runs, the same in every benchmark run. */
	static final String AGGREGATE_TYPE = "BenchE2E";

	/**
	 * Returns an event with the fields of a {@link BenchEvent}.
	 * @param event the event to copy
	 * @return the end-to-end event
	 */
	static EndToEndEvent of(BenchEvent event) {
		return new EndToEndEvent(event.orderId(), event.customer(), event.sku(), event.quantity(), event.priceCents(),
				event.note());
	}

}
