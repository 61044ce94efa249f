package io.eventsource.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renamed properties keep working under their former names, and the metadata tells an IDE
 * which name replaces them.
 */
class EventSourcePropertiesTests {

	@Test
	void theRedeliveryDelayBindsUnderItsNewName() {
		assertThat(bind(Map.of("eventsource.listener.redelivery-delay", "250ms")).getListener().getRedeliveryDelay())
			.isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void theFormerNameOfTheRedeliveryDelayStillBinds() {
		assertThat(bind(Map.of("eventsource.listener.retry-delay", "300ms")).getListener().getRedeliveryDelay())
			.isEqualTo(Duration.ofMillis(300));
	}

	@Test
	void theMetadataDeprecatesTheFormerNameForTheNewOne() throws IOException {
		JsonNode deprecation = property("eventsource.listener.retry-delay").path("deprecation");
		assertThat(deprecation.path("replacement").asString()).isEqualTo("eventsource.listener.redelivery-delay");
		assertThat(property("eventsource.listener.redelivery-delay").has("deprecation")).isFalse();
	}

	private static EventSourceProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("eventsource",
				EventSourceProperties.class);
	}

	private static JsonNode property(String name) throws IOException {
		try (InputStream in = EventSourcePropertiesTests.class.getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
			assertThat(in).isNotNull();
			for (JsonNode property : JsonMapper.builder().build().readTree(in).path("properties")) {
				if (property.path("name").asString().equals(name)) {
					return property;
				}
			}
		}
		throw new AssertionError("No metadata for " + name);
	}

}
