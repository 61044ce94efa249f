package io.eventsource.faults;

import javax.sql.DataSource;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The events and the handler the fault tests share with their child processes.
 */
final class FaultEvents {

	static final String AGGREGATE_TYPE = "FaultTestOrder";

	static final String TABLE = "fault_test_applied";

	private FaultEvents() {
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record OrderPlaced(int n) {
	}

	/**
	 * Inserts a row per event in the listener's transaction. Before the insert of event
	 * {@code hangOn}, it prints {@code IN_HANDLER n} and hangs, so that a test can kill
	 * its process in the middle of the handler.
	 */
	static class Ledger {

		private final String instance;

		private final int hangOn;

		private JdbcTemplate jdbc;

		Ledger(String instance, int hangOn) {
			this.instance = instance;
			this.hangOn = hangOn;
		}

		@Autowired
		void setDataSource(DataSource dataSource) {
			this.jdbc = new JdbcTemplate(dataSource);
		}

		@EventSourceListener(projection = "ledger")
		void placed(OrderPlaced event, EventMetadata metadata) throws InterruptedException {
			this.jdbc.update("INSERT INTO " + TABLE + " (instance, aggregate_id, sequence) VALUES (?, ?, ?)",
					this.instance, metadata.aggregateId(), metadata.sequence());
			if (event.n() == this.hangOn) {
				System.out.println("IN_HANDLER " + event.n());
				System.out.flush();
				Thread.sleep(120_000);
			}
		}

	}

}
