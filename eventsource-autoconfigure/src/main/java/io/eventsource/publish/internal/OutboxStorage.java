package io.eventsource.publish.internal;

import javax.sql.DataSource;

import io.eventsource.store.internal.AggregateSequences;
import io.eventsource.store.internal.PublicMessageRepository;

import org.springframework.transaction.support.TransactionOperations;

/**
 * Where the {@link OutboxEventPublisher} appends: the outbox and the sequences, both on
 * one data source, whose transactions a publish joins or, outside any, starts.
 *
 * @param outbox the outbox
 * @param sequences the sequence allocation
 * @param dataSource the outbox's data source, whose transactions a publish joins
 * @param transactions the transactions of a publish made outside any transaction, on that
 * data source
 */
public record OutboxStorage(PublicMessageRepository outbox, AggregateSequences sequences, DataSource dataSource,
		TransactionOperations transactions) {
}
