package io.eventsource.listen.internal.handler;

import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.internal.TestEvents.ProductCreated;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.RootBeanDefinition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventSourceListenerLazyInitializationExcludeFilter}.
 */
class EventSourceListenerLazyInitializationExcludeFilterTests {

	private final EventSourceListenerLazyInitializationExcludeFilter filter = new EventSourceListenerLazyInitializationExcludeFilter();

	@Test
	void beansWithHandlersAreExcluded() {
		assertThat(this.filter.isExcluded("catalog", new RootBeanDefinition(Catalog.class), Catalog.class)).isTrue();
		assertThat(this.filter.isExcluded("sub", new RootBeanDefinition(SubCatalog.class), SubCatalog.class)).isTrue();
	}

	@Test
	void beansWithoutHandlersAreNotExcluded() {
		assertThat(this.filter.isExcluded("plain", new RootBeanDefinition(Plain.class), Plain.class)).isFalse();
		assertThat(this.filter.isExcluded("plain", new RootBeanDefinition(Plain.class), Plain.class)).isFalse();
		assertThat(this.filter.isExcluded("string", new RootBeanDefinition(String.class), String.class)).isFalse();
	}

	static class Catalog {

		@EventSourceListener
		void on(ProductCreated event) {
		}

	}

	static class SubCatalog extends Catalog {

	}

	static class Plain {

		void on(ProductCreated event) {
		}

	}

}
