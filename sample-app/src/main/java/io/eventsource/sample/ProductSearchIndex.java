package io.eventsource.sample;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.sample.ProductEvents.PriceChanged;
import io.eventsource.sample.ProductEvents.ProductCreated;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * A projection of the product events, logging a line per event applied with its sequence
 * and ids, so that a newcomer sees events come back through RabbitMQ in order and once.
 * With {@code --spring.profiles.active=listener} it is the listener program. In a real
 * system it would live in another service, with its own copies of the event classes.
 */
@Component
@Profile({ "default", "listener" })
class ProductSearchIndex {

	private static final Log logger = LogFactory.getLog(ProductSearchIndex.class);

	@EventSourceListener(projection = "search")
	void on(ProductCreated event, EventMetadata metadata) {
		log(metadata, "indexed '" + event.title() + "'");
	}

	@EventSourceListener(projection = "search")
	void on(PriceChanged event, EventMetadata metadata) {
		log(metadata, "price " + event.priceInCents() + " cents");
	}

	private static void log(EventMetadata metadata, String what) {
		logger.info("applied " + metadata.aggregateType() + "-" + metadata.aggregateId() + " #" + metadata.sequence()
				+ " " + metadata.eventType() + ": " + what + " (id " + metadata.eventId() + ", causation "
				+ metadata.causationId() + ", correlation " + metadata.correlationId() + ")");
	}

}
