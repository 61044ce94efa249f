package io.eventsource.sample.restaurant;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderCancelled;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderPriced;
import io.eventsource.sample.restaurant.RestaurantEvents.PaymentTaken;
import io.eventsource.sample.restaurant.RestaurantEvents.PriceOrder;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cashier: prices orders it is asked to price, takes payments over HTTP, and closes
 * the bill of a cancelled order. In demo mode it pays two orders out of three itself, a
 * second after pricing them.
 */
@RestController
@Profile("cashier")
class Cashier implements DisposableBean {

	private static final long CENTS_PER_DISH = 1250;

	private final EventPublisher publisher;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final RestaurantProperties properties;

	private final ScheduledExecutorService demoGuests = Executors.newSingleThreadScheduledExecutor();

	Cashier(EventPublisher publisher, JdbcTemplate jdbc, TransactionTemplate transactions,
			RestaurantProperties properties) {
		this.publisher = publisher;
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.properties = properties;
	}

	@EventSourceListener(projection = "billing")
	void on(PriceOrder command, EventMetadata metadata) {
		long total = command.items().size() * CENTS_PER_DISH;
		String orderId = metadata.aggregateId();
		// a bill the cancellation closed first stays closed
		this.jdbc
			.update("INSERT INTO restaurant_bills (order_id, total_cents, paid, closed) VALUES (?, ?, FALSE, FALSE) "
					+ "ON CONFLICT (order_id) DO UPDATE SET total_cents = EXCLUDED.total_cents", orderId, total);
		FlowLog.log("cashier", metadata, "priced at " + total + " cents");
		this.publisher.publish("Bill", orderId, new OrderPriced(total));
		if (this.properties.isDemo() && Math.floorMod(orderId.hashCode(), 3) != 0) {
			// the guest pays once the bill is there for everyone to see
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					Cashier.this.demoGuests.schedule(() -> pay(orderId), 1, TimeUnit.SECONDS);
				}
			});
		}
	}

	@EventSourceListener(projection = "billing")
	void on(OrderCancelled event, EventMetadata metadata) {
		this.jdbc
			.update("INSERT INTO restaurant_bills (order_id, total_cents, paid, closed) VALUES (?, 0, FALSE, TRUE) "
					+ "ON CONFLICT (order_id) DO UPDATE SET closed = TRUE", metadata.aggregateId());
		FlowLog.log("cashier", metadata, "bill closed: " + event.reason());
	}

	@PostMapping("/bills/{orderId}/payment")
	ResponseEntity<Map<String, Object>> pay(@PathVariable String orderId) {
		return this.transactions.execute((status) -> {
			List<Long> totals = this.jdbc.query(
					"SELECT total_cents FROM restaurant_bills WHERE order_id = ? AND paid = FALSE AND closed = FALSE FOR UPDATE",
					(rs, row) -> rs.getLong(1), orderId);
			if (totals.isEmpty()) {
				return ResponseEntity.status(HttpStatus.CONFLICT)
					.body(Map.<String, Object>of("orderId", orderId, "error", "no open bill for this order"));
			}
			this.jdbc.update("UPDATE restaurant_bills SET paid = TRUE WHERE order_id = ?", orderId);
			this.publisher.publish("Bill", orderId, new PaymentTaken(totals.get(0)),
					PublishOptions.defaults().withCorrelationId(orderId));
			return ResponseEntity.ok(Map.<String, Object>of("orderId", orderId, "paidCents", totals.get(0)));
		});
	}

	@GetMapping("/bills/{orderId}")
	ResponseEntity<Map<String, Object>> bill(@PathVariable String orderId) {
		List<Map<String, Object>> bills = this.jdbc.query(
				"SELECT total_cents, paid, closed FROM restaurant_bills WHERE order_id = ?",
				(rs, row) -> Map.<String, Object>of("orderId", orderId, "totalCents", rs.getLong(1), "paid",
						rs.getBoolean(2), "closed", rs.getBoolean(3)),
				orderId);
		return bills.isEmpty() ? ResponseEntity.notFound().build() : ResponseEntity.ok(bills.get(0));
	}

	@Override
	public void destroy() {
		this.demoGuests.shutdownNow();
	}

}
