package io.eventsource.listen.internal.handler;

import java.lang.reflect.Method;

import io.eventsource.listen.InvalidEventHandlerException;
import io.eventsource.listen.internal.TestEvents.OrderPlaced;
import io.eventsource.listen.internal.TestEvents.ProductCreated;
import org.junit.jupiter.api.Test;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EventHandlers}.
 */
class EventHandlersTests {

	private final EventHandlers handlers = new EventHandlers();

	@Test
	void emptyHandlersFindNothing() {
		assertThat(this.handlers.isEmpty()).isTrue();
		assertThat(this.handlers.aggregateTypes()).isEmpty();
		assertThat(this.handlers.projections("Product")).isEmpty();
		assertThat(this.handlers.handlers("Product", "catalog")).isEmpty();
		assertThat(this.handlers.handler("Product", "catalog", "ProductCreated")).isNull();
	}

	@Test
	void handlersAreFoundByAggregateTypeProjectionAndEventType() {
		EventHandler catalogCreated = handler("catalog", "Product", "ProductCreated");
		EventHandler catalogRenamed = handler("catalog", "Product", "ProductRenamed");
		EventHandler searchCreated = handler("search", "Product", "ProductCreated");
		EventHandler billingOrder = handler("billing", "Order", "OrderPlaced");
		this.handlers.add(catalogCreated);
		this.handlers.add(catalogRenamed);
		this.handlers.add(searchCreated);
		this.handlers.add(billingOrder);
		assertThat(this.handlers.isEmpty()).isFalse();
		assertThat(this.handlers.aggregateTypes()).containsExactly("Order", "Product");
		assertThat(this.handlers.projections("Product")).containsExactly("catalog", "search");
		assertThat(this.handlers.projections("Order")).containsExactly("billing");
		assertThat(this.handlers.projections("Customer")).isEmpty();
		assertThat(this.handlers.handler("Product", "catalog", "ProductCreated")).isSameAs(catalogCreated);
		assertThat(this.handlers.handler("Product", "search", "ProductCreated")).isSameAs(searchCreated);
		assertThat(this.handlers.handler("Product", "search", "ProductRenamed")).isNull();
		assertThat(this.handlers.handler("Order", "catalog", "OrderPlaced")).isNull();
		assertThat(this.handlers.handlers("Product", "catalog")).containsExactly(catalogCreated, catalogRenamed);
	}

	@Test
	void readViewsAreUnmodifiable() {
		this.handlers.add(handler("catalog", "Product", "ProductCreated"));
		assertThat(this.handlers.aggregateTypes()).isUnmodifiable();
		assertThat(this.handlers.projections("Product")).isUnmodifiable();
	}

	@Test
	void secondHandlerOfAProjectionForAnEventTypeFails() {
		this.handlers.add(handler("catalog", "Product", "ProductCreated"));
		assertThatExceptionOfType(InvalidEventHandlerException.class)
			.isThrownBy(() -> this.handlers.add(handler("catalog", "Product", "ProductCreated")))
			.withMessageStartingWith("Two @EventSourceListener methods handle event type 'ProductCreated' of "
					+ "aggregate type 'Product' in projection 'catalog': ")
			.withMessageContaining(Listener.class.getName() + ".onProduct(ProductCreated) of bean 'catalogBean' and ")
			.withMessageEndingWith("; keep one of them, or move one to another projection with "
					+ "@EventSourceListener(projection = \"...\")");
	}

	private static EventHandler handler(String projection, String aggregateType, String eventType) {
		boolean order = "Order".equals(aggregateType);
		Method method = ReflectionUtils.findMethod(Listener.class, order ? "onOrder" : "onProduct",
				order ? OrderPlaced.class : ProductCreated.class);
		assertThat(method).isNotNull();
		return new EventHandler(projection + "Bean", new Listener(), method, method,
				new HandlerBinding(method.getParameterTypes()[0], projection, aggregateType, eventType));
	}

	static class Listener {

		void onProduct(ProductCreated event) {
		}

		void onOrder(OrderPlaced event) {
		}

	}

}
