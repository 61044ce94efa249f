package io.eventsource.listen.internal.peraggregate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.topology.PerAggregateNames;
import io.eventsource.topology.internal.EventMessages;

/**
 * Sends an event on the per-aggregate topology with the plain client, as a relay does
 * (declare the aggregate's exchange and the service's queue, publish, announce the id),
 * for tests whose events must not go through the outbox: on the shared test database, the
 * relay of another test's process may relay an outbox row, with its own registry and
 * settings.
 */
final class PlainClientProducer {

	/** The per-aggregate queue expiry the listeners of these tests keep: the default. */
	static final Duration QUEUE_EXPIRY = Duration.ofSeconds(30);

	private PlainClientProducer() {
	}

	/**
	 * Sends one event of an aggregate to one service.
	 * @param rabbit the plain client
	 * @param service the listening service
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param sequence the event's sequence
	 * @param eventType the event type name
	 * @param payload the JSON payload
	 */
	static void send(RabbitTestClient rabbit, String service, String aggregateType, String aggregateId, long sequence,
			String eventType, String payload) {
		EventMetadata metadata = new EventMetadata(UUID.randomUUID(), aggregateType, aggregateId, sequence, eventType,
				Instant.now(), "correlation-" + aggregateId, null, "orders", Map.of());
		String exchange = PerAggregateNames.aggregateExchange(aggregateType, aggregateId);
		String queue = PerAggregateNames.aggregateQueue(aggregateType, aggregateId, service);
		rabbit.withChannel((channel) -> {
			channel.exchangeDeclare(exchange, "fanout", true, true, null);
			channel.queueDeclare(queue, true, false, false, PerAggregateNames.aggregateQueueArguments(QUEUE_EXPIRY));
			channel.queueBind(queue, exchange, "");
			channel.basicPublish(exchange, "", EventMessages.properties(metadata),
					payload.getBytes(StandardCharsets.UTF_8));
			channel.basicPublish(PerAggregateNames.aggregateIdsExchange(aggregateType), "", EventMessages.persistent(),
					aggregateId.getBytes(StandardCharsets.UTF_8));
		});
	}

}
