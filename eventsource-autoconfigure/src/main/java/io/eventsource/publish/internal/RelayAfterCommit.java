package io.eventsource.publish.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.eventsource.envelope.EventMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes the relay once per committed transaction that appended events, and counts the
 * committed events in {@code eventsource.published.events}. A rolled back transaction
 * neither wakes nor counts.
 */
public class RelayAfterCommit implements OutboxEventPublisher.AfterCommit {

	private final Runnable wakeUp;

	private final MeterRegistry meterRegistry;

	private final Map<String, Counter> published = new ConcurrentHashMap<>();

	public RelayAfterCommit(Runnable wakeUp, MeterRegistry meterRegistry) {
		this.wakeUp = wakeUp;
		this.meterRegistry = meterRegistry;
	}

	@Override
	public void register(EventMetadata metadata) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			count(Map.of(metadata.aggregateType(), 1));
			this.wakeUp.run();
			return;
		}
		for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
			if (synchronization instanceof Appended appended && appended.owner() == this) {
				appended.add(metadata.aggregateType());
				return;
			}
		}
		Appended appended = new Appended();
		appended.add(metadata.aggregateType());
		TransactionSynchronizationManager.registerSynchronization(appended);
	}

	private void count(Map<String, Integer> byAggregateType) {
		byAggregateType.forEach(
				(aggregateType, count) -> this.published
					.computeIfAbsent(aggregateType,
							(type) -> Counter.builder("eventsource.published.events")
								.description("Events committed to the outbox")
								.tag("aggregate.type", type)
								.register(this.meterRegistry))
					.increment(count));
	}

	private final class Appended implements TransactionSynchronization {

		private final Map<String, Integer> byAggregateType = new HashMap<>();

		RelayAfterCommit owner() {
			return RelayAfterCommit.this;
		}

		void add(String aggregateType) {
			this.byAggregateType.merge(aggregateType, 1, Integer::sum);
		}

		@Override
		public void afterCommit() {
			count(this.byAggregateType);
			RelayAfterCommit.this.wakeUp.run();
		}

	}

}
