package io.eventsource.sample.restaurant;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.sample.restaurant.RestaurantEvents.OrderPlaced;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * In demo mode, the waiter places an order now and then, as guests would.
 */
@Component
@Profile("waiter")
@ConditionalOnBooleanProperty("restaurant.demo")
class DemoWaiter implements ApplicationRunner, DisposableBean {

	private static final List<String> MENU = List.of("soup", "salad", "pasta", "steak", "fish", "cake");

	private final EventPublisher publisher;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final RestaurantProperties properties;

	private final ScheduledExecutorService guests = Executors.newSingleThreadScheduledExecutor();

	DemoWaiter(EventPublisher publisher, JdbcTemplate jdbc, TransactionTemplate transactions,
			RestaurantProperties properties) {
		this.publisher = publisher;
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.properties = properties;
	}

	@Override
	public void run(ApplicationArguments args) {
		long interval = this.properties.getDemoInterval().toMillis();
		this.guests.scheduleWithFixedDelay(this::placeOrder, interval, interval, TimeUnit.MILLISECONDS);
	}

	private void placeOrder() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String table = "T" + random.nextInt(1, 13);
		List<String> items = random.ints(random.nextInt(1, 4), 0, MENU.size()).mapToObj(MENU::get).toList();
		String orderId = UUID.randomUUID().toString();
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc.update("INSERT INTO restaurant_orders (order_id, table_name, status) VALUES (?, ?, 'PLACED')",
					orderId, table);
			this.publisher.publish("Order", orderId, new OrderPlaced(table, items),
					PublishOptions.defaults().withCorrelationId(orderId));
		});
	}

	@Override
	public void destroy() {
		this.guests.shutdownNow();
	}

}
