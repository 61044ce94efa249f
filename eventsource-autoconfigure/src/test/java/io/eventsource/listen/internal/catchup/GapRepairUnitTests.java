package io.eventsource.listen.internal.catchup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.replay.internal.LogEnd;
import io.eventsource.replay.internal.ReplayRequest;
import io.eventsource.replay.internal.ReplayRequester;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rules by which gap repair gives up an event that is not in the producer's log, on a
 * clock of its own (in nanoseconds, a timeout of 100) and with a requester that only
 * records what it is asked to send: each waiting event is timed from its own first
 * sighting, only an answer to a request sent after the event arrived counts, an event is
 * given up until it is settled, and no answer gives it up only with a maximum.
 * {@code FutureEventTests} shows the rules end to end on the broker.
 */
class GapRepairUnitTests {

	private static final String TYPE = "Product";

	private static final Duration TIMEOUT = Duration.ofNanos(100);

	private final AtomicLong clock = new AtomicLong(1_000);

	// nothing listens there, and nothing is sent
	private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 1);

	private final List<ReplayRequest> requests = new CopyOnWriteArrayList<>();

	private final List<EventMetadata> unanswered = new CopyOnWriteArrayList<>();

	private GapRepair repair;

	@AfterEach
	void close() {
		if (this.repair != null) {
			this.repair.close();
		}
		this.connectionFactory.destroy();
	}

	@Test
	void anEventOfABusyAggregateIsAskedAboutOnceItHasWaitedTheTimeoutAndGivenUpBeyondTheLogsEnd() {
		GapRepair repair = repair(0);
		EventMetadata forged = event("123", 20);
		// the projection moves on each time the event is tried again
		repair.gapBefore(forged, 4);
		this.clock.addAndGet(60);
		repair.gapBefore(forged, 5);
		assertThat(this.requests).isEmpty();
		this.clock.addAndGet(60);
		repair.gapBefore(forged, 6);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.requests.size() == 1);
		assertThat(this.requests.get(0)).isEqualTo(new ReplayRequest(TYPE, "123", 5, 19));
		assertThat(repair.abandoned(forged)).isNull();
		// read after the request, with the projection at #8 by then: not where it
		// stands, and still beyond what had arrived before the request
		repair.logEnd(new LogEnd(this.requests.get(0), 1_120, "orders", 9));
		this.clock.addAndGet(60);
		repair.gapBefore(forged, 8);
		assertThat(repair.abandoned(forged)).isEqualTo(
				"Not in the producer's log: the log of Product-123 at orders ends at #9, read after this event had arrived");
	}

	@Test
	void anEventGivenUpStaysGivenUpUntilSettledAndIsNoLongerAskedAbout() {
		GapRepair repair = repair(0);
		EventMetadata forged = event("123", 1_000_000);
		repair.gapBefore(forged, 4);
		this.clock.addAndGet(10);
		repair.logEnd(answer("123", 5, 1_010, 4));
		String reason = repair.abandoned(forged);
		assertThat(reason).startsWith("Not in the producer's log");
		// parking it failed: it is tried again, still given up
		assertThat(repair.abandoned(forged)).isEqualTo(reason);
		this.clock.addAndGet(200);
		repair.gapBefore(forged, 4);
		assertThat(repair.abandoned(forged)).isEqualTo(reason);
		repair.settled(forged);
		assertThat(repair.abandoned(forged)).isNull();
		assertThat(this.requests).isEmpty();
	}

	@Test
	void anEventThatArrivedAfterTheRequestIsNotGivenUp() {
		GapRepair repair = repair(0);
		EventMetadata fifth = event("123", 5);
		repair.gapBefore(fifth, 3);
		// the producer read its end, #5, then committed #6 and #7, which overtook #6
		repair.logEnd(answer("123", 4, 1_005, 5));
		this.clock.addAndGet(10);
		EventMetadata seventh = event("123", 7);
		repair.gapBefore(seventh, 3);
		assertThat(repair.abandoned(seventh)).isNull();
		assertThat(repair.abandoned(fifth)).isNull();
	}

	@Test
	void anEventAtOrBeforeTheLogsEndIsNotGivenUp() {
		GapRepair repair = repair(0);
		// a projection still at #2 waits for #3 with #4; another one, at #4, was told
		// that the log ends there
		EventMetadata fourth = event("123", 4);
		repair.gapBefore(fourth, 2);
		this.clock.addAndGet(10);
		repair.logEnd(answer("123", 5, 1_010, 4));
		repair.gapBefore(fourth, 2);
		assertThat(repair.abandoned(fourth)).isNull();
	}

	@Test
	void aLogEndBehindWhereTheRequestStartedOrOfAnotherAggregateIsNotBelieved() {
		GapRepair repair = repair(0);
		EventMetadata future = event("123", 1_000_000);
		repair.gapBefore(future, 4);
		this.clock.addAndGet(10);
		// behind what was applied: not the log the applied events came from
		repair.logEnd(answer("123", 5, 1_010, 3));
		repair.logEnd(answer("124", 5, 1_010, 4));
		repair.gapBefore(future, 4);
		assertThat(repair.abandoned(future)).isNull();
	}

	@Test
	void anotherEventAppliedAtTheSequenceOfAWaitingOneGivesItUp() {
		GapRepair repair = repair(0);
		EventMetadata forged = event("123", 7);
		EventMetadata eighth = event("123", 8);
		repair.gapBefore(forged, 5);
		repair.gapBefore(eighth, 5);
		EventMetadata real = event("123", 7);
		repair.applying(event("123", 6));
		repair.applying(real);
		assertThat(repair.abandoned(forged))
			.isEqualTo("Not the event of its sequence: Product-123 #7 was applied as event " + real.eventId()
					+ " while this one waited");
		// applied itself, it waits no longer
		repair.applying(eighth);
		assertThat(repair.abandoned(eighth)).isNull();
	}

	@Test
	void noAnswerToTheLastRequestsGivesAnEventUpAndAsksForACatchUpOnce() {
		GapRepair repair = repair(2);
		EventMetadata waiting = event("123", 20);
		repair.gapBefore(waiting, 4);
		this.clock.addAndGet(100);
		repair.gapBefore(waiting, 4);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.requests.size() == 1);
		assertThat(repair.abandoned(waiting)).isNull();
		this.clock.addAndGet(100);
		repair.gapBefore(waiting, 4);
		await().atMost(Duration.ofSeconds(5)).until(() -> repair.abandoned(waiting) != null);
		assertThat(repair.abandoned(waiting))
			.isEqualTo("No producer answered: 2 requests for the events before it in Product-123, all sent after "
					+ "this event had arrived, brought no end of a producer's log");
		assertThat(this.unanswered).containsExactly(waiting);
		// no more requests for an event given up
		this.clock.addAndGet(100);
		repair.gapBefore(waiting, 4);
		assertThat(this.requests).hasSize(2);
	}

	@Test
	void anAnswerToARequestSentAfterTheEventArrivedKeepsItFromBeingGivenUpForNoAnswer() {
		GapRepair repair = repair(2);
		EventMetadata waiting = event("123", 20);
		repair.gapBefore(waiting, 4);
		for (int n = 1; n <= 3; n++) {
			this.clock.addAndGet(100);
			repair.gapBefore(waiting, 4);
			int sent = n;
			await().atMost(Duration.ofSeconds(5)).until(() -> this.requests.size() == sent);
			if (n == 1) {
				// a producer holds the aggregate, and has not committed the event yet
				repair.logEnd(new LogEnd(this.requests.get(0), 1_100, "orders", 25));
			}
		}
		assertThat(repair.abandoned(waiting)).isNull();
		assertThat(this.unanswered).isEmpty();
	}

	@Test
	void withoutAMaximumNoEventIsGivenUpForNoAnswer() {
		GapRepair repair = repair(0);
		EventMetadata waiting = event("123", 20);
		repair.gapBefore(waiting, 4);
		for (int n = 1; n <= 5; n++) {
			this.clock.addAndGet(100);
			repair.gapBefore(waiting, 4);
			int sent = n;
			await().atMost(Duration.ofSeconds(5)).until(() -> this.requests.size() == sent);
		}
		assertThat(repair.abandoned(waiting)).isNull();
		assertThat(this.unanswered).isEmpty();
	}

	private GapRepair repair(int maxRequests) {
		ReplayRequester requester = new ReplayRequester(this.connectionFactory, "billing", Duration.ofNanos(1),
				this.clock::get) {

			@Override
			public boolean request(ReplayRequest request) {
				GapRepairUnitTests.this.requests.add(request);
				return true;
			}

		};
		this.repair = new GapRepair(requester, TIMEOUT, maxRequests, this.clock::get,
				new ListenerMetrics(new SimpleMeterRegistry(), "billing"));
		this.repair.onGivenUpUnanswered(this.unanswered::add);
		return this.repair;
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
