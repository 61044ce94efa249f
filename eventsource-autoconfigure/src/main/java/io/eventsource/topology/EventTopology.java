package io.eventsource.topology;

import java.util.List;

import io.eventsource.envelope.EventEnvelope;

/**
 * How events reach the listening services through RabbitMQ. An implementation declares
 * what it needs, publishes with {@code mandatory} and publisher confirms, and reports per
 * event whether the broker took responsibility for it.
 * <p>
 * Called by one relay thread at a time; implementations need not be thread-safe for
 * {@link #send(List)}.
 */
public interface EventTopology {

	/**
	 * Sends events, per aggregate in list order, and waits for the broker's confirms.
	 * @param events the events, per aggregate in sequence order
	 * @return the outcome of each event
	 */
	SendResult send(List<EventEnvelope> events);

}
