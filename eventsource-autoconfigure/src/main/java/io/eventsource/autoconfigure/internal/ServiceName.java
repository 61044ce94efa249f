package io.eventsource.autoconfigure.internal;

import io.eventsource.autoconfigure.EventSourceProperties;
import io.eventsource.autoconfigure.MissingServiceNameException;
import io.eventsource.envelope.internal.AggregateNames;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The name of this service, from {@code eventsource.service-name} or else
 * {@code spring.application.name}.
 *
 * @param value the service name
 */
public record ServiceName(String value) {

	/**
	 * Resolves the service name.
	 * @param properties the eventsource properties
	 * @param environment the environment, for {@code spring.application.name}
	 * @return the service name
	 * @throws MissingServiceNameException if neither property is set
	 * @throws IllegalArgumentException if the name is not a valid service name
	 */
	public static ServiceName resolve(EventSourceProperties properties, Environment environment) {
		String name = properties.getServiceName();
		if (!StringUtils.hasText(name)) {
			name = environment.getProperty("spring.application.name");
		}
		return of(name);
	}

	static ServiceName of(@Nullable String name) {
		if (!StringUtils.hasText(name)) {
			throw new MissingServiceNameException();
		}
		AggregateNames.requireServiceName(name);
		return new ServiceName(name);
	}

}
