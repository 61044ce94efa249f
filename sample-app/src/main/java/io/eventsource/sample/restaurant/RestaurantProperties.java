package io.eventsource.sample.restaurant;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the restaurant sample.
 */
@ConfigurationProperties("restaurant")
public class RestaurantProperties {

	/**
	 * Service name of the kitchen, which the order process sends CookFood to.
	 */
	private String kitchenService = "kitchen";

	/**
	 * Service name of the cashier, which the order process sends PriceOrder to.
	 */
	private String cashierService = "cashier";

	/**
	 * How long after an order is placed it is cancelled when not paid.
	 */
	private Duration paymentTimeout = Duration.ofSeconds(30);

	/**
	 * Whether the waiter places an order now and then and the cashier pays two orders out
	 * of three by itself, so that the log shows the flow.
	 */
	private boolean demo;

	/**
	 * How often the demo waiter places an order.
	 */
	private Duration demoInterval = Duration.ofSeconds(5);

	public String getKitchenService() {
		return this.kitchenService;
	}

	public void setKitchenService(String kitchenService) {
		this.kitchenService = kitchenService;
	}

	public String getCashierService() {
		return this.cashierService;
	}

	public void setCashierService(String cashierService) {
		this.cashierService = cashierService;
	}

	public Duration getPaymentTimeout() {
		return this.paymentTimeout;
	}

	public void setPaymentTimeout(Duration paymentTimeout) {
		this.paymentTimeout = paymentTimeout;
	}

	public boolean isDemo() {
		return this.demo;
	}

	public void setDemo(boolean demo) {
		this.demo = demo;
	}

	public Duration getDemoInterval() {
		return this.demoInterval;
	}

	public void setDemoInterval(Duration demoInterval) {
		this.demoInterval = demoInterval;
	}

}
