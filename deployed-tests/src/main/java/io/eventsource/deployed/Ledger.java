package io.eventsource.deployed;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.EventSourceListener;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Applies every event of both aggregate types to the table {@code deployed_applied} of
 * this service's own database, in the transaction eventsource runs the handler in (with
 * its ack row): a row per application, so an event applied twice shows as two rows and
 * one applied out of order as a lower sequence after a higher one. Each row keeps when
 * the event was published and when it was applied, for the lag of the events around a
 * fault.
 */
@Component
@Profile("listener")
class Ledger {

	private final JdbcTemplate jdbc;

	private final String instance;

	Ledger(JdbcTemplate jdbc, @Value("${deployed.instance}") String instance) {
		this.jdbc = jdbc;
		this.instance = instance;
		jdbc.execute("CREATE TABLE IF NOT EXISTS deployed_applied (id BIGSERIAL PRIMARY KEY, "
				+ "instance VARCHAR(32) NOT NULL, aggregate_type VARCHAR(64) NOT NULL, "
				+ "aggregate_id VARCHAR(128) NOT NULL, sequence BIGINT NOT NULL, event_id VARCHAR(36) NOT NULL, "
				+ "occurred_at TIMESTAMP WITH TIME ZONE NOT NULL, "
				+ "applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp())");
	}

	@EventSourceListener(projection = "ledger")
	void on(DeployedEvents.OrderStepped event, EventMetadata metadata) {
		record(metadata);
	}

	@EventSourceListener(projection = "ledger")
	void on(DeployedEvents.PaymentStepped event, EventMetadata metadata) {
		record(metadata);
	}

	private void record(EventMetadata metadata) {
		this.jdbc.update(
				"INSERT INTO deployed_applied (instance, aggregate_type, aggregate_id, sequence, event_id, occurred_at) "
						+ "VALUES (?, ?, ?, ?, ?, ?)",
				this.instance, metadata.aggregateType(), metadata.aggregateId(), metadata.sequence(),
				metadata.eventId().toString(), OffsetDateTime.ofInstant(metadata.occurredAt(), ZoneOffset.UTC));
	}

}
