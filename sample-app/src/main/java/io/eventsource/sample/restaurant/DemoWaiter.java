package io.eventsource.sample.restaurant;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * In demo mode, the waiter places an order now and then, as guests would.
 */
@Component
@Profile("waiter")
@ConditionalOnBooleanProperty("restaurant.demo")
class DemoWaiter implements ApplicationRunner, DisposableBean {

	private static final List<String> MENU = List.of("soup", "salad", "pasta", "steak", "fish", "cake");

	private final Orders orders;

	private final RestaurantProperties properties;

	private final ScheduledExecutorService guests = Executors.newSingleThreadScheduledExecutor();

	DemoWaiter(Orders orders, RestaurantProperties properties) {
		this.orders = orders;
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
		this.orders.place(table, items);
	}

	@Override
	public void destroy() {
		this.guests.shutdownNow();
	}

}
