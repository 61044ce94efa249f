package io.eventsource.benchmarks;

import io.eventsource.envelope.EventType;

/**
 * The event of the partitioned end-to-end runs: the fields of {@link BenchEvent}, bound
 * to the fixed aggregate type {@value #AGGREGATE_TYPE}, which the benchmark's
 * configuration sends through the partitioned topology.
 *
 * @param orderId the order id
 * @param customer the customer
 * @param sku the stock keeping unit
 * @param quantity the quantity
 * @param priceCents the price in cents
 * @param note padding
 */
@EventType(aggregate = PartitionedEvent.AGGREGATE_TYPE)
record PartitionedEvent(String orderId, String customer, String sku, int quantity, long priceCents, String note) {

	/** The aggregate type of the partitioned runs, the same in every benchmark run. */
	static final String AGGREGATE_TYPE = "BenchPart";

	/**
	 * Returns an event with the fields of a {@link BenchEvent}.
	 * @param event the event to copy
	 * @return the partitioned event
	 */
	static PartitionedEvent of(BenchEvent event) {
		return new PartitionedEvent(event.orderId(), event.customer(), event.sku(), event.quantity(),
				event.priceCents(), event.note());
	}

}
