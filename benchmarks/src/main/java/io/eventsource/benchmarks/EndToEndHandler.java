package io.eventsource.benchmarks;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.EventSourceListener;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The handler of the end-to-end runs, in the benchmark's own context: writes one row of
 * {@value #TABLE} in the listener's transaction (with the ack row), and once that
 * transaction commits, counts the event in {@link HandledEvents}.
 */
class EndToEndHandler {

	/** The table the handler writes to, created and dropped by the benchmark. */
	static final String TABLE = "bench_e2e_applied";

	private final JdbcTemplate jdbc;

	private final HandledEvents handled;

	EndToEndHandler(JdbcTemplate jdbc, HandledEvents handled) {
		this.jdbc = jdbc;
		this.handled = handled;
	}

	@EventSourceListener(projection = "bench")
	void on(EndToEndEvent event, EventMetadata metadata) {
		apply(metadata);
	}

	@EventSourceListener(projection = "bench")
	void on(PartitionedEvent event, EventMetadata metadata) {
		apply(metadata);
	}

	private void apply(EventMetadata metadata) {
		this.handled.started(metadata.eventId());
		this.jdbc.update("INSERT INTO " + TABLE + " (event_id, aggregate_id, sequence) VALUES (?, ?, ?)",
				metadata.eventId().toString(), metadata.aggregateId(), metadata.sequence());
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				EndToEndHandler.this.handled.committed(metadata.eventId(), metadata.occurredAt());
			}

		});
	}

}
