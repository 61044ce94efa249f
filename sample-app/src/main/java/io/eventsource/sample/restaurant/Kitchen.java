package io.eventsource.sample.restaurant;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.publish.EventPublisher;
import io.eventsource.sample.restaurant.RestaurantEvents.CookFood;
import io.eventsource.sample.restaurant.RestaurantEvents.FoodCooked;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The kitchen: cooks what it is told to and says so; it knows nothing of prices or
 * payments.
 */
@Component
@Profile("kitchen")
class Kitchen {

	private final EventPublisher publisher;

	Kitchen(EventPublisher publisher) {
		this.publisher = publisher;
	}

	@EventSourceListener(projection = "cooking")
	void on(CookFood command, EventMetadata metadata) {
		FlowLog.log("kitchen", metadata, "cooking " + command.items());
		this.publisher.publish("Meal", metadata.aggregateId(), new FoodCooked(command.items()));
	}

}
