package io.eventsource.sample.restaurant;

import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The waiter: takes orders over HTTP and tells their status.
 */
@RestController
@Profile("waiter")
class WaiterController {

	private final Orders orders;

	private final JdbcTemplate jdbc;

	WaiterController(Orders orders, JdbcTemplate jdbc) {
		this.orders = orders;
		this.jdbc = jdbc;
	}

	@PostMapping("/orders")
	Map<String, Object> place(@RequestBody OrderRequest request) {
		return Map.of("orderId", this.orders.place(request.table(), request.items()), "status", "PLACED");
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
