package io.eventsource.publish.internal;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.envelope.internal.EventTypes;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.MessageDecorator;
import io.eventsource.publish.PublishOptions;
import io.eventsource.publish.SequenceMismatchException;
import io.eventsource.store.internal.AggregateSequences;
import io.eventsource.store.internal.PublicMessageRepository;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * The {@link EventPublisher} that appends to the {@code public_messages} outbox and wakes
 * the {@link OutboxRelay} once the transaction commits.
 */
public class OutboxEventPublisher implements EventPublisher {

	private final PublicMessageRepository outbox;

	private final AggregateSequences sequences;

	private final JsonMapper jsonMapper;

	private final List<MessageDecorator> decorators;

	private final String source;

	private final DataSource dataSource;

	private final TransactionOperations transactions;

	private final AfterCommit afterCommit;

	private final Clock clock;

	/**
	 * Creates a publisher.
	 * @param storage the outbox, the sequences, their data source and the transactions of
	 * a publish made outside any
	 * @param jsonMapper the JSON mapper of event payloads
	 * @param decorators the message decorators, in order
	 * @param source the name of this service
	 * @param afterCommit what to do once a transaction that appended events commits
	 * @param clock the clock
	 */
	public OutboxEventPublisher(OutboxStorage storage, JsonMapper jsonMapper, List<MessageDecorator> decorators,
			String source, AfterCommit afterCommit, Clock clock) {
		this.dataSource = storage.dataSource();
		this.outbox = storage.outbox();
		this.sequences = storage.sequences();
		this.jsonMapper = jsonMapper;
		this.decorators = List.copyOf(decorators);
		this.source = source;
		this.transactions = storage.transactions();
		this.afterCommit = afterCommit;
		this.clock = clock;
	}

	@Override
	public EventMetadata publish(String aggregateType, String aggregateId, Object event, PublishOptions options) {
		AggregateNames.requireAggregateType(aggregateType);
		AggregateNames.requireAggregateId(aggregateId);
		Assert.notNull(event, "'event' must not be null");
		Assert.notNull(options, "'options' must not be null");
		String declaredAggregate = EventTypes.aggregateOf(event.getClass());
		if (declaredAggregate != null && !declaredAggregate.equals(aggregateType)) {
			throw new IllegalArgumentException("Event " + event.getClass().getName() + " belongs to aggregate type '"
					+ declaredAggregate + "' (@EventType) and cannot be published for '" + aggregateType + "'");
		}
		EventEnvelope draft = new EventEnvelope(metadata(aggregateType, aggregateId, event, options), serialize(event));
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			Assert.state(TransactionSynchronizationManager.getResource(this.dataSource) != null,
					"EventPublisher was called in a transaction that does not hold a connection of the outbox's "
							+ "DataSource (for example one of a RabbitTransactionManager or of another DataSource); "
							+ "publish in a transaction of that DataSource's transaction manager, or outside any");
			return append(draft, options.expectedSequence());
		}
		EventMetadata published = this.transactions.execute((status) -> append(draft, options.expectedSequence()));
		Assert.state(published != null, "The publishing transaction returned nothing");
		return published;
	}

	private EventMetadata append(EventEnvelope draft, @Nullable Long expectedSequence) {
		EventEnvelope envelope = draft;
		for (MessageDecorator decorator : this.decorators) {
			envelope = decorated(decorator, envelope);
		}
		EventMetadata metadata = envelope.metadata();
		long sequence;
		if (expectedSequence != null) {
			sequence = nextIfAt(metadata, expectedSequence);
			this.outbox.append(new EventEnvelope(metadata.withSequence(sequence), envelope.payload()));
		}
		else {
			sequence = this.outbox.appendWithNextSequence(envelope, this.sequences);
		}
		EventMetadata published = metadata.withSequence(sequence);
		this.afterCommit.register(published);
		return published;
	}

	private long nextIfAt(EventMetadata metadata, long expectedLast) {
		long sequence = this.sequences.nextIfAt(metadata.aggregateType(), metadata.aggregateId(), expectedLast);
		if (sequence < 0) {
			throw new SequenceMismatchException(metadata.aggregateType(), metadata.aggregateId(), expectedLast,
					this.sequences.last(metadata.aggregateType(), metadata.aggregateId()));
		}
		return sequence;
	}

	private static EventEnvelope decorated(MessageDecorator decorator, EventEnvelope envelope) {
		EventEnvelope decorated = decorator.decorate(envelope);
		Assert.notNull(decorated, () -> "Message decorator " + decorator + " returned null");
		EventMetadata before = envelope.metadata();
		EventMetadata after = decorated.metadata();
		Assert.isTrue(
				before.eventId().equals(after.eventId()) && before.sequence() == after.sequence()
						&& before.aggregateType().equals(after.aggregateType())
						&& before.aggregateId().equals(after.aggregateId()),
				() -> "Message decorator " + decorator + " changed the identity, aggregate or sequence of an event");
		return decorated;
	}

	private EventMetadata metadata(String aggregateType, String aggregateId, Object event, PublishOptions options) {
		UUID eventId = (options.eventId() != null) ? options.eventId() : EventIds.next(this.clock.millis());
		EventMetadata handled = CorrelationContext.current();
		String correlationId;
		String causationId = null;
		if (handled != null) {
			correlationId = handled.correlationId();
			causationId = handled.eventId().toString();
		}
		else {
			correlationId = (options.correlationId() != null) ? options.correlationId() : eventId.toString();
		}
		String eventType = (options.eventType() != null) ? options.eventType() : EventTypes.nameOf(event.getClass());
		return new EventMetadata(eventId, aggregateType, aggregateId, 0, eventType,
				this.clock.instant().truncatedTo(ChronoUnit.MICROS), correlationId, causationId, this.source,
				options.headers());
	}

	private String serialize(Object event) {
		try {
			return this.jsonMapper.writeValueAsString(event);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("'event' of type " + event.getClass().getName()
					+ " cannot be serialized to JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Receives each appended event and acts once its transaction commits.
	 */
	@FunctionalInterface
	public interface AfterCommit {

		/**
		 * Registers an appended event in the current transaction.
		 * @param metadata the event
		 */
		void register(EventMetadata metadata);

	}

}
