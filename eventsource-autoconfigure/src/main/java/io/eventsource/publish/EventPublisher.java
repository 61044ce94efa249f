package io.eventsource.publish;

import io.eventsource.envelope.EventMetadata;

/**
 * Publishes domain events per aggregate through the transactional outbox.
 * <p>
 * What a call guarantees:
 * <ul>
 * <li>The event is appended to {@code public_messages} in the caller's transaction (a
 * Spring-managed transaction on the application's {@code DataSource}); without one, in a
 * transaction of its own that commits before the call returns. It reaches the broker only
 * if that transaction commits, and once committed it is never dropped: the relay retries
 * until the broker confirms it.</li>
 * <li>The event gets the next sequence of its aggregate, gap-free from 1. A second
 * publisher of the same aggregate waits until the first transaction ends and never fails
 * for that; publishers of different aggregates never wait on each other.</li>
 * <li>Per aggregate, events reach the broker in sequence order.</li>
 * <li>Published while an {@code @EventSourceListener} handles an event, the new event
 * carries the handled event's correlation id and the handled event's id as causation id;
 * otherwise its correlation id is its own id unless {@link PublishOptions} gives
 * one.</li>
 * </ul>
 * What it does not guarantee: delivery before the transaction commits, nor at any
 * particular time after (the relay sends right after commit and a poller retries whatever
 * is left); and nothing about order across aggregates.
 * <p>
 * Bad input ({@code IllegalArgumentException}, nothing written): a blank or invalid
 * aggregate type or id, an event that cannot be serialized to JSON, an event whose
 * {@code @EventType} declares another aggregate type, an invalid header name. The broker
 * being down is not an error at publish time.
 */
public interface EventPublisher {

	/**
	 * Publishes an event of an aggregate.
	 * @param aggregateType the aggregate type, for example {@code Product}
	 * @param aggregateId the aggregate id, for example {@code 123}
	 * @param event the event; serialized to JSON, its type named by
	 * {@link io.eventsource.envelope.EventType @EventType} or its simple class name
	 * @return the metadata of the published event, with its sequence
	 */
	default EventMetadata publish(String aggregateType, String aggregateId, Object event) {
		return publish(aggregateType, aggregateId, event, PublishOptions.defaults());
	}

	/**
	 * Publishes an event of an aggregate with options: the sequence the aggregate is
	 * expected to be at, extra headers, a correlation id or an event id.
	 * @param aggregateType the aggregate type, for example {@code Product}
	 * @param aggregateId the aggregate id, for example {@code 123}
	 * @param event the event
	 * @param options the options
	 * @return the metadata of the published event, with its sequence
	 * @throws SequenceMismatchException if an expected sequence is given and the
	 * aggregate is not at it; nothing is written
	 */
	EventMetadata publish(String aggregateType, String aggregateId, Object event, PublishOptions options);

}
