package io.eventsource.sample.restaurant;

import io.eventsource.process.ProcessContext;
import io.eventsource.process.ProcessHandler;
import io.eventsource.process.ProcessManager;
import io.eventsource.process.ProcessTimedOut;
import io.eventsource.sample.restaurant.RestaurantEvents.CookFood;
import io.eventsource.sample.restaurant.RestaurantEvents.FoodCooked;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderCancelled;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderPlaced;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderPriced;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderServed;
import io.eventsource.sample.restaurant.RestaurantEvents.PaymentTaken;
import io.eventsource.sample.restaurant.RestaurantEvents.PriceOrder;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The order process manager: runs each order from {@code OrderPlaced} to served (cook,
 * then price, then pay) or cancelled (not paid in time). The kitchen and the cashier only
 * say what they did; changing the order of the steps changes this class alone.
 */
@Component
@Profile("manager")
@ProcessManager(type = "OrderProcess", version = 1, state = OrderState.class)
class OrderProcess {

	private final RestaurantProperties properties;

	OrderProcess(RestaurantProperties properties) {
		this.properties = properties;
	}

	@ProcessHandler(start = true)
	void on(OrderPlaced event, ProcessContext<OrderState> process) {
		OrderState order = process.state();
		order.table = event.table();
		order.items = event.items();
		process.send(this.properties.getKitchenService(), new CookFood(event.items()));
		process.scheduleTimeout("payment", this.properties.getPaymentTimeout());
		log(process, "order for table " + event.table() + ": cook " + event.items());
	}

	@ProcessHandler
	void on(FoodCooked event, ProcessContext<OrderState> process) {
		OrderState order = process.state();
		if (order.cooked) {
			process.reject("the food was cooked already");
		}
		order.cooked = true;
		process.send(this.properties.getCashierService(), new PriceOrder(order.table, order.items));
		log(process, "cooked: price it");
	}

	@ProcessHandler
	void on(OrderPriced event, ProcessContext<OrderState> process) {
		if (!process.state().cooked) {
			process.reject("priced before it was cooked");
		}
		process.state().totalCents = event.totalCents();
		log(process, "priced at " + event.totalCents() + " cents: waiting for payment");
	}

	@ProcessHandler
	void on(PaymentTaken event, ProcessContext<OrderState> process) {
		OrderState order = process.state();
		if (order.totalCents < 0) {
			process.reject("paid before it was priced");
		}
		if (event.amountCents() < order.totalCents) {
			process.reject("paid " + event.amountCents() + " of " + order.totalCents + " cents");
		}
		order.paid = true;
		process.cancelTimeout("payment");
		process.publish(new OrderServed(event.amountCents()));
		process.complete();
		log(process, "paid: served");
	}

	@ProcessHandler
	void on(ProcessTimedOut timeout, ProcessContext<OrderState> process) {
		process
			.publish(new OrderCancelled("not paid within " + this.properties.getPaymentTimeout().toSeconds() + " s"));
		process.complete();
		log(process, "not paid in time: cancelled");
	}

	private static void log(ProcessContext<OrderState> process, String what) {
		if (!process.isReplaying()) {
			FlowLog.log("manager", process.event(), what);
		}
	}

}
