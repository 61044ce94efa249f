package io.eventsource.listen.internal.handler;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

import io.eventsource.listen.EventPayloadException;
import io.eventsource.listen.internal.TestEvents.ProductCreated;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EventPayloads}.
 */
class EventPayloadsTests {

	private final EventPayloads payloads = new EventPayloads(JsonMapper.builder().build());

	private final EventHandler handler = handler();

	@Test
	void bindsBytesToTheHandlersEventClass() {
		assertThat(this.payloads.read(this.handler,
				"{\"sku\":\"A-1\",\"title\":\"Lamp\"}".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(new ProductCreated("A-1", "Lamp"));
	}

	@Test
	void bindsStringToTheHandlersEventClass() {
		assertThat(this.payloads.read(this.handler, "{\"sku\":\"A-1\",\"title\":\"Lamp\"}"))
			.isEqualTo(new ProductCreated("A-1", "Lamp"));
	}

	@Test
	void propertiesTheConsumerDoesNotKnowAreIgnored() {
		assertThat(this.payloads.read(this.handler,
				"{\"sku\":\"A-1\",\"title\":\"Lamp\",\"price\":12,\"@class\":\"java.lang.Thread\"}"))
			.isEqualTo(new ProductCreated("A-1", "Lamp"));
	}

	@Test
	void malformedPayloadFailsNamingEventTypeAndClass() {
		assertThatExceptionOfType(EventPayloadException.class)
			.isThrownBy(() -> this.payloads.read(this.handler, "{\"sku\":"))
			.withMessageStartingWith(
					"Payload of event type 'ProductCreated' does not bind to " + ProductCreated.class.getName() + ": ")
			.satisfies((ex) -> {
				assertThat(ex.getEventType()).isEqualTo("ProductCreated");
				assertThat(ex.getEventClass()).isEqualTo(ProductCreated.class);
				assertThat(ex).hasCauseInstanceOf(tools.jackson.core.JacksonException.class);
			});
	}

	@Test
	void payloadOfAnotherShapeFails() {
		assertThatExceptionOfType(EventPayloadException.class)
			.isThrownBy(() -> this.payloads.read(this.handler, "[1, 2]".getBytes(StandardCharsets.UTF_8)))
			.withMessageStartingWith(
					"Payload of event type 'ProductCreated' does not bind to " + ProductCreated.class.getName());
	}

	@Test
	void nullPayloadFails() {
		assertThatExceptionOfType(EventPayloadException.class)
			.isThrownBy(() -> this.payloads.read(this.handler, "null"))
			.withMessage("Payload of event type 'ProductCreated' does not bind to " + ProductCreated.class.getName()
					+ ": the payload is empty or null");
	}

	private static EventHandler handler() {
		Method method = ReflectionUtils.findMethod(Listener.class, "on", ProductCreated.class);
		assertThat(method).isNotNull();
		return new EventHandler("listener", new Listener(), method, method,
				new HandlerBinding(ProductCreated.class, "listener", "Product", "ProductCreated"));
	}

	static class Listener {

		void on(ProductCreated event) {
		}

	}

}
