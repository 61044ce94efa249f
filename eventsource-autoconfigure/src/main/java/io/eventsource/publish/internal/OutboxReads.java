package io.eventsource.publish.internal;

import java.util.List;
import java.util.Set;

import io.eventsource.store.internal.AggregateRef;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.store.internal.StoredEvent;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay's reads of the outbox. They run beside the lease's transaction, outside any
 * transaction on a connection of their own, so that each sees every row committed before
 * it; the marks run in the lease's transaction. Thread-safe.
 */
final class OutboxReads {

	private final PublicMessageRepository outbox;

	private final TransactionOperations transactions;

	private final int batchSize;

	OutboxReads(PublicMessageRepository outbox, PlatformTransactionManager transactionManager, int batchSize) {
		this.outbox = outbox;
		TransactionTemplate read = new TransactionTemplate(transactionManager);
		read.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
		this.transactions = read;
		this.batchSize = batchSize;
	}

	/**
	 * Reads a page of unrelayed rows.
	 * @param afterId the id after which to read
	 * @return at most a batch of rows, in id order
	 */
	List<StoredEvent> page(long afterId) {
		List<StoredEvent> rows = this.transactions
			.execute((status) -> this.outbox.findUnrelayed(afterId, this.batchSize));
		return (rows != null) ? rows : List.of();
	}

	/**
	 * Returns whether rows fill a page, so that more may follow.
	 * @param rows the rows of a page
	 * @return whether they are a full page
	 */
	boolean isFull(List<StoredEvent> rows) {
		return rows.size() == this.batchSize;
	}

	/**
	 * Returns the aggregates that have an unrelayed row at or below an id.
	 * @param upToId the highest id to look at
	 * @param aggregates the aggregates to look for
	 * @return those found
	 */
	Set<AggregateRef> withUnrelayedUpTo(long upToId, Set<AggregateRef> aggregates) {
		Set<AggregateRef> found = this.transactions
			.execute((status) -> this.outbox.withUnrelayedUpTo(upToId, aggregates));
		return (found != null) ? found : Set.of();
	}

}
