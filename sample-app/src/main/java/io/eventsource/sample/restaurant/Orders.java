package io.eventsource.sample.restaurant;

import java.util.List;
import java.util.UUID;

import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderPlaced;

import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The waiter's order book: placing an order writes its row and publishes
 * {@code OrderPlaced} in one transaction, with the order id as correlation id of
 * everything that follows.
 */
@Service
@Profile("waiter")
class Orders {

	private final EventPublisher publisher;

	private final JdbcTemplate jdbc;

	Orders(EventPublisher publisher, JdbcTemplate jdbc) {
		this.publisher = publisher;
		this.jdbc = jdbc;
	}

	@Transactional
	String place(String table, List<String> items) {
		String orderId = UUID.randomUUID().toString();
		this.jdbc.update("INSERT INTO restaurant_orders (order_id, table_name, status) VALUES (?, ?, 'PLACED')",
				orderId, table);
		this.publisher.publish("Order", orderId, new OrderPlaced(table, items),
				PublishOptions.defaults().withCorrelationId(orderId));
		return orderId;
	}

}
