package io.eventsource.deployed;

import io.eventsource.envelope.EventType;

/**
 * The two aggregate types the deployed services exchange: {@code DeployedOrder} on the
 * per-aggregate topology and {@code DeployedPayment} on the partitioned one (set by the
 * tests through {@code eventsource.aggregate-types.DeployedPayment.topology}).
 */
final class DeployedEvents {

	static final String ORDER = "DeployedOrder";

	static final String PAYMENT = "DeployedPayment";

	private DeployedEvents() {
	}

	/**
	 * A step of an order; {@code step} is the publisher's running count.
	 *
	 * @param step the publisher's count
	 */
	@EventType(aggregate = ORDER)
	record OrderStepped(long step) {
	}

	/**
	 * A step of a payment; {@code step} is the publisher's running count.
	 *
	 * @param step the publisher's count
	 */
	@EventType(aggregate = PAYMENT)
	record PaymentStepped(long step) {
	}

}
