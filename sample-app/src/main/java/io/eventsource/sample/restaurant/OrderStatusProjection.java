package io.eventsource.sample.restaurant;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderCancelled;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderServed;

import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The waiter's view of how each order ended, written with the event's ack row.
 */
@Component
@Profile("waiter")
class OrderStatusProjection {

	private final JdbcTemplate jdbc;

	OrderStatusProjection(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@EventSourceListener(projection = "order-status")
	void on(OrderServed event, EventMetadata metadata) {
		update(metadata, "SERVED", "paid " + event.totalCents() + " cents");
	}

	@EventSourceListener(projection = "order-status")
	void on(OrderCancelled event, EventMetadata metadata) {
		update(metadata, "CANCELLED", event.reason());
	}

	private void update(EventMetadata metadata, String status, String detail) {
		this.jdbc.update("UPDATE restaurant_orders SET status = ?, detail = ? WHERE order_id = ?", status, detail,
				metadata.aggregateId());
		FlowLog.log("waiter", metadata, "order " + status.toLowerCase() + ": " + detail);
	}

}
