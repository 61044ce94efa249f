package io.eventsource.envelope.internal;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

import io.eventsource.envelope.EventType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventTypes}.
 */
class EventTypesTests {

	@Test
	void nameDefaultsToTheSimpleClassName() {
		assertThat(EventTypes.nameOf(PriceChanged.class)).isEqualTo("PriceChanged");
		assertThat(EventTypes.aggregateOf(PriceChanged.class)).isNull();
	}

	@Test
	void annotationGivesNameAndAggregate() {
		assertThat(EventTypes.nameOf(Created.class)).isEqualTo("ProductCreated");
		assertThat(EventTypes.aggregateOf(Created.class)).isEqualTo("Product");
	}

	@Test
	void annotationWithoutNameKeepsTheSimpleName() {
		assertThat(EventTypes.nameOf(Renamed.class)).isEqualTo("Renamed");
		assertThat(EventTypes.aggregateOf(Renamed.class)).isEqualTo("Product");
	}

	@Test
	void metaAnnotationIsFound() {
		assertThat(EventTypes.nameOf(Discontinued.class)).isEqualTo("Discontinued");
		assertThat(EventTypes.aggregateOf(Discontinued.class)).isEqualTo("Product");
	}

	@Test
	void annotationOnASuperclassIsFound() {
		assertThat(EventTypes.nameOf(SpecialCreated.class)).isEqualTo("ProductCreated");
	}

	record PriceChanged(int price) {
	}

	@EventType(name = "ProductCreated", aggregate = "Product")
	static class Created {

	}

	static class SpecialCreated extends Created {

	}

	@EventType(aggregate = "Product")
	record Renamed(String title) {
	}

	@Retention(RetentionPolicy.RUNTIME)
	@EventType(aggregate = "Product")
	@interface ProductEvent {

	}

	@ProductEvent
	record Discontinued() {
	}

}
