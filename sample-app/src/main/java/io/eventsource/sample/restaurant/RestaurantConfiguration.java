package io.eventsource.sample.restaurant;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The restaurant's settings and tables, for any of its services.
 */
@Configuration(proxyBeanMethods = false)
@Profile("restaurant")
@EnableConfigurationProperties(RestaurantProperties.class)
class RestaurantConfiguration {

	@Bean
	RestaurantSchema restaurantSchema(JdbcTemplate jdbc) {
		return new RestaurantSchema(jdbc);
	}

}
