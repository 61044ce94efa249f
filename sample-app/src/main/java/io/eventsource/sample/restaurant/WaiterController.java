package io.eventsource.sample.restaurant;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderPlaced;

import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The waiter: takes orders over HTTP and tells their status. Placing an order writes its
 * row and publishes {@code OrderPlaced} in one transaction, with the order id as
 * correlation id of everything that follows.
 */
@RestController
@Profile("waiter")
class WaiterController {

	private final EventPublisher publisher;

	private final JdbcTemplate jdbc;

	WaiterController(EventPublisher publisher, JdbcTemplate jdbc) {
		this.publisher = publisher;
		this.jdbc = jdbc;
	}

	@PostMapping("/orders")
	@Transactional
	Map<String, Object> place(@RequestBody OrderRequest request) {
		String orderId = UUID.randomUUID().toString();
		this.jdbc.update("INSERT INTO restaurant_orders (order_id, table_name, status) VALUES (?, ?, 'PLACED')",
				orderId, request.table());
		this.publisher.publish("Order", orderId, new OrderPlaced(request.table(), request.items()),
				PublishOptions.defaults().withCorrelationId(orderId));
		return Map.of("orderId", orderId, "status", "PLACED");
	}

	@GetMapping("/orders/{orderId}")
	ResponseEntity<Map<String, Object>> status(@PathVariable String orderId) {
		List<Map<String, Object>> rows = this.jdbc.query(
				"SELECT order_id, table_name, status, detail FROM restaurant_orders WHERE order_id = ?",
				(rs, row) -> Map.<String, Object>of("orderId", rs.getString(1), "table", rs.getString(2), "status",
						rs.getString(3), "detail", (rs.getString(4) != null) ? rs.getString(4) : ""),
				orderId);
		return rows.isEmpty() ? ResponseEntity.notFound().build() : ResponseEntity.ok(rows.get(0));
	}

	/**
	 * An order as a guest gives it.
	 *
	 * @param table the table
	 * @param items the dishes
	 */
	record OrderRequest(String table, List<String> items) {
	}

}
