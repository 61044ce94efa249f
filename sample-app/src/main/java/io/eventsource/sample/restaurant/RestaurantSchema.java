package io.eventsource.sample.restaurant;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The sample's own tables (PostgreSQL and MariaDB): the waiter's order status and the
 * cashier's bills, keyed by order id.
 */
class RestaurantSchema implements InitializingBean {

	private final JdbcTemplate jdbc;

	RestaurantSchema(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void afterPropertiesSet() {
		this.jdbc.execute("CREATE TABLE IF NOT EXISTS restaurant_orders (order_id VARCHAR(64) NOT NULL PRIMARY KEY, "
				+ "table_name VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL, detail VARCHAR(255))");
		this.jdbc.execute("CREATE TABLE IF NOT EXISTS restaurant_bills (order_id VARCHAR(64) NOT NULL PRIMARY KEY, "
				+ "total_cents BIGINT NOT NULL, paid BOOLEAN NOT NULL)");
		// a bill of a cancelled order takes no payment
		this.jdbc
			.execute("ALTER TABLE restaurant_bills ADD COLUMN IF NOT EXISTS closed BOOLEAN NOT NULL DEFAULT FALSE");
	}

}
