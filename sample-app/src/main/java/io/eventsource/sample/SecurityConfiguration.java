package io.eventsource.sample;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what over HTTP, in every profile with a web server. Under {@code /actuator}
 * every read is open (health, the metrics Prometheus scrapes, the {@code eventsource} and
 * {@code processes} reports the README walks through), and every write or delete (retry,
 * skip, replay and catch-up of events, process upgrades) needs a user with the role
 * {@code OPERATOR} over HTTP basic: the {@code spring.security.user} of
 * {@code application.yml}. The sample's own endpoints (orders, payments, products) stay
 * open, as the demo's guests use them.
 * <p>
 * CSRF protection is off: every client here is a program sending credentials with each
 * request (HTTP basic, no session, no cookie), which is not what CSRF attacks.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfiguration {

	static final String OPERATOR = "OPERATOR";

	@Bean
	@Order(1)
	SecurityFilterChain actuatorSecurity(HttpSecurity http) {
		return http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers(EndpointRequest.toAnyEndpoint().withHttpMethod(HttpMethod.GET))
				.permitAll()
				.anyRequest()
				.hasRole(OPERATOR))
			.httpBasic(Customizer.withDefaults())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf(AbstractHttpConfigurer::disable)
			.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain applicationSecurity(HttpSecurity http) {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf(AbstractHttpConfigurer::disable)
			.build();
	}

}
