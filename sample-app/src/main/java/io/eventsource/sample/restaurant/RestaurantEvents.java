package io.eventsource.sample.restaurant;

import java.util.List;

import io.eventsource.envelope.EventType;

/**
 * The events and commands of the restaurant. Each aggregate type has one producer: the
 * waiter ({@code Order}), the order process ({@code KitchenTicket},
 * {@code CashierTicket}, {@code OrderOutcome}), the kitchen ({@code Meal}) and the
 * cashier ({@code Bill}). Every aggregate id is the order id, which is also the
 * correlation id of the whole flow.
 */
public final class RestaurantEvents {

	private RestaurantEvents() {
	}

	/**
	 * A guest ordered; starts an order process.
	 *
	 * @param table the table
	 * @param items the dishes
	 */
	@EventType(aggregate = "Order")
	public record OrderPlaced(String table, List<String> items) {
	}

	/**
	 * Command to the kitchen.
	 *
	 * @param items the dishes to cook
	 */
	@EventType(aggregate = "KitchenTicket")
	public record CookFood(List<String> items) {
	}

	/**
	 * The kitchen cooked an order.
	 *
	 * @param items the dishes
	 */
	@EventType(aggregate = "Meal")
	public record FoodCooked(List<String> items) {
	}

	/**
	 * Command to the cashier.
	 *
	 * @param table the table
	 * @param items the dishes to price
	 */
	@EventType(aggregate = "CashierTicket")
	public record PriceOrder(String table, List<String> items) {
	}

	/**
	 * The cashier priced an order.
	 *
	 * @param totalCents the total
	 */
	@EventType(aggregate = "Bill")
	public record OrderPriced(long totalCents) {
	}

	/**
	 * The guest paid.
	 *
	 * @param amountCents the amount
	 */
	@EventType(aggregate = "Bill")
	public record PaymentTaken(long amountCents) {
	}

	/**
	 * The order was cooked, priced and paid, and is served.
	 *
	 * @param totalCents what was paid
	 */
	@EventType(aggregate = "OrderOutcome")
	public record OrderServed(long totalCents) {
	}

	/**
	 * The order was cancelled.
	 *
	 * @param reason why
	 */
	@EventType(aggregate = "OrderOutcome")
	public record OrderCancelled(String reason) {
	}

}
