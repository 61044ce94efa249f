package io.eventsource.listen;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.replay.LogEnd;
import io.eventsource.replay.ReplayRequest;
import io.eventsource.replay.ReplayRequester;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule by which gap repair gives up an event the producer's log does not hold, on a
 * clock of its own: only an answer to a request sent after the event arrived counts, and
 * only a log that ends where the projection stands. {@code FutureEventTests} shows both
 * rules end to end on the broker.
 */
class GapRepairUnitTests {

	private static final String TYPE = "Product";

	private final AtomicLong clock = new AtomicLong(1_000);

	// nothing listens there: no request is sent within the hour-long timeout anyway
	private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 1);

	private final GapRepair repair = new GapRepair(
			new ReplayRequester(this.connectionFactory, "billing", Duration.ofHours(1), this.clock::get),
			Duration.ofHours(1), 3, this.clock::get, new ListenerMetrics(new SimpleMeterRegistry(), "billing"));

	@AfterEach
	void close() {
		this.repair.close();
		this.connectionFactory.destroy();
	}

	@Test
	void anEventBeyondALogThatEndsWhereTheProjectionStandsIsGivenUpOnce() {
		EventMetadata future = event("123", 1_000_000);
		this.repair.gapBefore(future, 4);
		assertThat(this.repair.abandoned(future)).isNull();
		this.clock.addAndGet(10);
		this.repair.logEnd(answer("123", 5, 1_010, 4));
		this.repair.gapBefore(future, 4);
		assertThat(this.repair.abandoned(future)).isEqualTo("Not in the producer's log: the log of Product-123 "
				+ "at orders ends at #4, read after this event had arrived");
		assertThat(this.repair.abandoned(future)).isNull();
	}

	@Test
	void anEventThatArrivedAfterTheRequestIsNotGivenUp() {
		// the producer read its end, #4, then committed #5 and #6, which overtook #5
		this.repair.logEnd(answer("123", 5, 1_000, 4));
		this.clock.addAndGet(10);
		EventMetadata sixth = event("123", 6);
		this.repair.gapBefore(sixth, 4);
		assertThat(this.repair.abandoned(sixth)).isNull();
	}

	@Test
	void anEventAtOrBeforeTheLogsEndIsNotGivenUp() {
		// a projection still at #2 waits for #3 with #4; another one, at #4, was told
		// that the log ends there
		EventMetadata fourth = event("123", 4);
		this.repair.gapBefore(fourth, 2);
		this.clock.addAndGet(10);
		this.repair.logEnd(answer("123", 5, 1_010, 4));
		this.repair.gapBefore(fourth, 2);
		assertThat(this.repair.abandoned(fourth)).isNull();
	}

	@Test
	void aLogEndElsewhereThanWhereTheProjectionStandsIsNotBelieved() {
		EventMetadata future = event("123", 1_000_000);
		this.repair.gapBefore(future, 4);
		this.clock.addAndGet(10);
		// behind what was applied: not the aggregate's log
		this.repair.logEnd(answer("123", 5, 1_010, 3));
		// beyond it: the missing events are on their way
		this.repair.logEnd(answer("123", 5, 1_010, 7));
		// another aggregate's
		this.repair.logEnd(answer("124", 5, 1_010, 4));
		this.repair.gapBefore(future, 4);
		assertThat(this.repair.abandoned(future)).isNull();
	}

	private static LogEnd answer(String aggregateId, long from, long askedAt, long lastSequence) {
		return new LogEnd(new ReplayRequest(TYPE, aggregateId, from, 999_999), askedAt, "orders", lastSequence);
	}

	private static EventMetadata event(String aggregateId, long sequence) {
		UUID id = UUID.randomUUID();
		return new EventMetadata(id, TYPE, aggregateId, sequence, "ProductRenamed", Instant.now(), id.toString(), null,
				"orders", Map.of());
	}

}
