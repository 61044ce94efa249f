package io.eventsource.listen.internal.handler;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.internal.TestEvents;
import io.eventsource.listen.internal.TestEvents.OrderPlaced;
import io.eventsource.listen.internal.TestEvents.ProductCreated;
import org.junit.jupiter.api.Test;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link EventHandler}.
 */
class EventHandlerTests {

	private final Recorder recorder = new Recorder();

	@Test
	void invokesWithEventAndMetadata() throws Exception {
		EventMetadata metadata = TestEvents.metadata("ProductCreated");
		ProductCreated event = new ProductCreated("A-1", "Lamp");
		handler("withMetadata", ProductCreated.class, EventMetadata.class).invoke(event, metadata);
		assertThat(this.recorder.calls).containsExactly(List.of(event, metadata));
	}

	@Test
	void invokesWithEventOnly() throws Exception {
		ProductCreated event = new ProductCreated("A-1", "Lamp");
		handler("withoutMetadata", ProductCreated.class).invoke(event, TestEvents.metadata("ProductCreated"));
		assertThat(this.recorder.calls).containsExactly(List.of(event));
	}

	@Test
	void rethrowsTheHandlersRuntimeException() {
		IllegalStateException thrown = new IllegalStateException("boom");
		this.recorder.failure = thrown;
		assertThatException()
			.isThrownBy(() -> handler("withoutMetadata", ProductCreated.class).invoke(new ProductCreated("A-1", "Lamp"),
					TestEvents.metadata("ProductCreated")))
			.isSameAs(thrown);
	}

	@Test
	void rethrowsTheHandlersCheckedException() {
		IOException thrown = new IOException("disk");
		this.recorder.failure = thrown;
		assertThatException()
			.isThrownBy(() -> handler("withoutMetadata", ProductCreated.class).invoke(new ProductCreated("A-1", "Lamp"),
					TestEvents.metadata("ProductCreated")))
			.isSameAs(thrown);
	}

	@Test
	void rejectsAnEventOfAnotherClass() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> handler("withoutMetadata", ProductCreated.class).invoke(new OrderPlaced("1"),
					TestEvents.metadata("ProductCreated")))
			.withMessageContaining(
					"'event' of " + OrderPlaced.class.getName() + " is not a " + ProductCreated.class.getName())
			.withMessageContaining(Recorder.class.getName() + ".withoutMetadata(ProductCreated) of bean 'recorder'");
		assertThat(this.recorder.calls).isEmpty();
	}

	@Test
	void describesTheMethodAndBean() {
		EventHandler handler = handler("withMetadata", ProductCreated.class, EventMetadata.class);
		assertThat(handler.describe())
			.isEqualTo(Recorder.class.getName() + ".withMetadata(ProductCreated, EventMetadata) of bean 'recorder'");
		assertThat(handler).hasToString(handler.describe()
				+ " for event type 'ProductCreated' of aggregate type 'Product' in projection 'recorder'");
	}

	private EventHandler handler(String name, Class<?>... parameterTypes) {
		Method method = ReflectionUtils.findMethod(Recorder.class, name, parameterTypes);
		assertThat(method).isNotNull();
		return new EventHandler("recorder", this.recorder, method, method,
				new HandlerBinding(ProductCreated.class, "recorder", "Product", "ProductCreated"));
	}

	static class Recorder {

		final List<List<Object>> calls = new ArrayList<>();

		Exception failure;

		void withMetadata(ProductCreated event, EventMetadata metadata) {
			this.calls.add(List.of(event, metadata));
		}

		void withoutMetadata(ProductCreated event) throws Exception {
			if (this.failure != null) {
				throw this.failure;
			}
			this.calls.add(List.of(event));
		}

	}

}
