package io.eventsource.sample;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.publish.RelayOperations;
import io.eventsource.publish.SequenceMismatchException;
import io.eventsource.sample.ProductEvents.PriceChanged;
import io.eventsource.sample.ProductEvents.ProductCreated;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The publisher program ({@code --spring.profiles.active=publisher}): publishes
 * {@code sample.count} events for the product {@code sample.aggregate-id} (a
 * {@code ProductCreated} when the product is new, then price changes), logs each with its
 * sequence and ids, relays them on its own thread, and exits.
 */
@Component
@Profile("publisher")
class DemoPublisher implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(DemoPublisher.class);

	private final EventPublisher publisher;

	private final ConfigurableApplicationContext context;

	private final ObjectProvider<RelayOperations> relay;

	private final String aggregateId;

	private final int count;

	DemoPublisher(EventPublisher publisher, ObjectProvider<RelayOperations> relay,
			ConfigurableApplicationContext context, @Value("${sample.aggregate-id:lamp-1}") String aggregateId,
			@Value("${sample.count:3}") int count) {
		this.relay = relay;
		this.publisher = publisher;
		this.context = context;
		this.aggregateId = aggregateId;
		this.count = count;
	}

	@Override
	public void run(ApplicationArguments args) {
		for (int i = 0; i < this.count; i++) {
			log((i == 0) ? createOrChangePrice() : changePrice(i));
		}
		// send them now, on this thread, rather than leave them to the relay's thread
		this.relay.ifAvailable((relay) -> {
			relay.relayPending();
			long left = relay.backlog();
			logger.info((left == 0) ? "relayed; exiting" : left + " events not relayed yet (is RabbitMQ up?); exiting, "
					+ "the next start of any instance relays them");
		});
		SpringApplication.exit(this.context);
	}

	/**
	 * Creates the product when it has no event yet (the publish expects sequence 0 and
	 * writes nothing when the product exists), else changes its price.
	 */
	private EventMetadata createOrChangePrice() {
		try {
			return this.publisher.publish(ProductEvents.AGGREGATE, this.aggregateId,
					new ProductCreated("SKU-" + this.aggregateId, "Desk lamp"),
					PublishOptions.defaults().expectSequence(0));
		}
		catch (SequenceMismatchException ex) {
			return changePrice(0);
		}
	}

	private EventMetadata changePrice(int i) {
		return this.publisher.publish(ProductEvents.AGGREGATE, this.aggregateId, new PriceChanged(4999 - 100L * i));
	}

	private static void log(EventMetadata event) {
		logger.info("published " + event.aggregateType() + "-" + event.aggregateId() + " #" + event.sequence() + " "
				+ event.eventType() + " id=" + event.eventId() + " correlation=" + event.correlationId());
	}

}
