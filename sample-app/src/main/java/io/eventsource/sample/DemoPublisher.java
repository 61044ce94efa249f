package io.eventsource.sample;

import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.publish.EventPublisher;
import io.eventsource.sample.ProductEvents.PriceChanged;
import io.eventsource.sample.ProductEvents.ProductCreated;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Publishes a new product and two price changes at startup, logging each event, so that a
 * newcomer sees the flow. Switch off with {@code sample.demo=false}.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.demo", matchIfMissing = true)
class DemoPublisher implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(DemoPublisher.class);

	private final EventPublisher publisher;

	DemoPublisher(EventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void run(ApplicationArguments args) {
		String id = UUID.randomUUID().toString().substring(0, 8);
		log(this.publisher.publish(ProductEvents.AGGREGATE, id, new ProductCreated("SKU-" + id, "Desk lamp")));
		log(this.publisher.publish(ProductEvents.AGGREGATE, id, new PriceChanged(4999)));
		log(this.publisher.publish(ProductEvents.AGGREGATE, id, new PriceChanged(3999)));
	}

	private static void log(EventMetadata event) {
		logger.info("published " + event.aggregateType() + "-" + event.aggregateId() + " #" + event.sequence() + " "
				+ event.eventType() + " id=" + event.eventId() + " correlation=" + event.correlationId());
	}

}
