package io.eventsource.listen.internal.dispatch;

import javax.sql.DataSource;

import io.eventsource.store.internal.MessageAckRepository;
import io.eventsource.store.internal.ParkedEventRepository;
import io.eventsource.store.internal.ProjectionPositionRepository;

import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Where a dispatcher keeps what it did: the inbox (ack rows and positions), the parked
 * events, the {@code DataSource} they live in, and the transactions the handlers run in,
 * which must hold a connection of that {@code DataSource} so that a handler's writes
 * commit with its ack row.
 *
 * @param acks the ack rows
 * @param positions the projections' positions
 * @param parked the parked events
 * @param dataSource the inbox's data source
 * @param transactions the transactions of the handlers, on that data source
 */
public record ListenerStorage(MessageAckRepository acks, ProjectionPositionRepository positions,
		ParkedEventRepository parked, DataSource dataSource, TransactionOperations transactions) {

	/**
	 * Checks that the current transaction holds a connection of the inbox's
	 * {@code DataSource}.
	 * @throws IllegalStateException if it does not
	 */
	void checkTransaction() {
		Assert.state(TransactionSynchronizationManager.getResource(this.dataSource) != null,
				"The listener's transaction does not hold a connection of the DataSource of the inbox; give it a "
						+ "transaction manager of that DataSource");
	}

}
