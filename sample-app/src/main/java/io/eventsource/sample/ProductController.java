package io.eventsource.sample;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.publish.EventPublisher;
import io.eventsource.sample.ProductEvents.PriceChanged;
import io.eventsource.sample.ProductEvents.ProductCreated;

import org.springframework.context.annotation.Profile;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP endpoints that publish product events, each in its own transaction.
 */
@RestController
@Profile("default")
class ProductController {

	private final EventPublisher publisher;

	ProductController(EventPublisher publisher) {
		this.publisher = publisher;
	}

	@PostMapping("/products/{id}")
	@Transactional
	EventMetadata create(@PathVariable String id, @RequestBody ProductCreated created) {
		return this.publisher.publish(ProductEvents.AGGREGATE, id, created);
	}

	@PostMapping("/products/{id}/price")
	@Transactional
	EventMetadata changePrice(@PathVariable String id, @RequestBody PriceChanged changed) {
		return this.publisher.publish(ProductEvents.AGGREGATE, id, changed);
	}

}
