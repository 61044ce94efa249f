package io.eventsource.autoconfigure;

import io.eventsource.actuate.internal.EventSourceEndpoint;
import io.eventsource.actuate.internal.EventSourceEndpointWebExtension;
import io.eventsource.actuate.internal.ProcessesEndpoint;
import io.eventsource.actuate.internal.ProcessesEndpointWebExtension;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.support.ConfigurableConversionService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventSourceEndpointAutoConfiguration}.
 */
class EventSourceEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = EventSourceContexts
		.runner(Database.POSTGRESQL, "endpoints-" + TestServices.randomSuffix())
		.withConfiguration(AutoConfigurations.of(EventSourceEndpointAutoConfiguration.class))
		.withPropertyValues("eventsource.relay.enabled=false")
		// binds 'read-only' and 'none' as a SpringApplication does
		.withInitializer((context) -> context.getEnvironment()
			.setConversionService((ConfigurableConversionService) ApplicationConversionService.getSharedInstance()));

	@Test
	void whenExposedOnTheWebThenEndpointsComeWithTheirWebExtensions() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=eventsource,processes")
			.run((context) -> assertThat(context).hasSingleBean(EventSourceEndpoint.class)
				.hasSingleBean(EventSourceEndpointWebExtension.class)
				.hasSingleBean(ProcessesEndpoint.class)
				.hasSingleBean(ProcessesEndpointWebExtension.class));
	}

	@Test
	void whenNotExposedThenNoEndpoint() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(EventSourceEndpoint.class)
			.doesNotHaveBean(EventSourceEndpointWebExtension.class)
			.doesNotHaveBean(ProcessesEndpoint.class)
			.doesNotHaveBean(ProcessesEndpointWebExtension.class));
	}

	@Test
	void whenAccessIsNoneThenNoEndpoint() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=eventsource,processes",
					"management.endpoint.eventsource.access=none")
			.run((context) -> assertThat(context).doesNotHaveBean(EventSourceEndpoint.class)
				.doesNotHaveBean(EventSourceEndpointWebExtension.class)
				.hasSingleBean(ProcessesEndpointWebExtension.class));
	}

	@Test
	void whenUserDefinesWebExtensionThenBacksOff() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=eventsource")
			.withUserConfiguration(UserExtension.class)
			.run((context) -> assertThat(context).getBean(EventSourceEndpointWebExtension.class)
				.isSameAs(context.getBean("userExtension")));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserExtension {

		@Bean
		EventSourceEndpointWebExtension userExtension(EventSourceEndpoint endpoint) {
			return new EventSourceEndpointWebExtension(endpoint);
		}

	}

}
