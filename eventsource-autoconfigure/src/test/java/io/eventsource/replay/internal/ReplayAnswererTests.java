package io.eventsource.replay.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventsource.store.internal.OutboxRepository;
import io.eventsource.store.internal.StoredEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;

/**
 * How {@link ReplayAnswerer} settles a request: acknowledged once answered or when never
 * to be answered, requeued when the broker did not confirm the answer, dropped when it
 * failed.
 */
class ReplayAnswererTests {

	private static final long TAG = 7;

	private static final Instant NOW = Instant.parse("2026-12-01T10:15:30Z");

	private final OutboxRepository outbox = mock(OutboxRepository.class);

	private final Channel channel = mock(Channel.class);

	private final List<Sent> sent = new ArrayList<>();

	private boolean confirmed = true;

	private final ReplayAnswerer answerer = new ReplayAnswerer(this.outbox, "orders", 100, Duration.ofSeconds(30),
			Clock.fixed(NOW, ZoneOffset.UTC), (events, replyTo, end, endTo) -> {
				this.sent.add(new Sent(events, replyTo, end, endTo));
				return this.confirmed;
			});

	@Test
	void aRequestIsAcknowledgedWithTheEndOfTheLogOnceTheAnswerIsConfirmed() throws IOException {
		given(this.outbox.lastSequence("Product", "A-1")).willReturn(3L);
		given(this.outbox.findByAggregate("Product", "A-1", 2, Long.MAX_VALUE, 100)).willReturn(List.of());
		this.answerer.answer(this.channel, TAG, request("Product", "A-1", "r-1"));
		assertThat(this.sent).singleElement().satisfies((answer) -> {
			assertThat(answer.replyTo()).isEqualTo("replayed");
			assertThat(answer.endTo()).isEqualTo("ends");
			assertThat(answer.end().getCorrelationId()).isEqualTo("r-1");
			assertThat(answer.end().getHeaders()).containsEntry(ReplayNames.KIND, ReplayNames.LOG_END)
				.containsEntry(ReplayNames.PRODUCER, "orders")
				.containsEntry(ReplayNames.LAST_SEQUENCE, 3L);
		});
		verify(this.channel).basicAck(TAG, false);
	}

	@Test
	void aRequestWhoseAnswerTheBrokerDidNotConfirmIsRequeued() throws IOException {
		this.confirmed = false;
		given(this.outbox.lastSequence("Product", "A-1")).willReturn(3L);
		given(this.outbox.findByAggregate("Product", "A-1", 2, Long.MAX_VALUE, 100)).willReturn(List.of());
		this.answerer.answer(this.channel, TAG, request("Product", "A-1", "r-1"));
		verify(this.channel).basicNack(TAG, false, true);
		verifyNoMoreInteractions(this.channel);
	}

	@Test
	void aRequestForAnAggregateThisLogDoesNotHoldIsAcknowledgedUnanswered() throws IOException {
		given(this.outbox.findByAggregate("Product", "A-1", 2, Long.MAX_VALUE, 100)).willReturn(List.of());
		this.answerer.answer(this.channel, TAG, request("Product", "A-1", "r-1"));
		assertThat(this.sent).isEmpty();
		verify(this.channel).basicAck(TAG, false);
	}

	@Test
	void aRequestThatNamesNoAggregateIsAcknowledgedWithoutAQuery() throws IOException {
		this.answerer.answer(this.channel, TAG, request("Product", "a b", "r-1"));
		verifyNoInteractions(this.outbox);
		verify(this.channel).basicAck(TAG, false);
	}

	@Test
	void aRequestThatCannotBeAnsweredIsDroppedForTheRequesterToAskAgain() throws IOException {
		given(this.outbox.findByAggregate(anyString(), anyString(), anyLong(), anyLong(), anyInt()))
			.willThrow(new IllegalStateException("no database"));
		this.answerer.answer(this.channel, TAG, request("Product", "A-1", null));
		assertThat(this.sent).isEmpty();
		verify(this.channel).basicNack(TAG, false, false);
	}

	@Test
	void aCatchUpRequestForAnotherProducerIsAcknowledgedUnanswered() throws IOException {
		this.answerer.answer(this.channel, TAG, catchUp(Map.of(ReplayNames.PRODUCER, "billing")));
		verifyNoInteractions(this.outbox);
		verify(this.channel).basicAck(TAG, false);
	}

	@Test
	void aCatchUpAnswerEndsAtTheCursorItStartedFromWhenNothingNewerIsBeforeTheHorizon() throws IOException {
		CatchUpCursor cursor = new CatchUpCursor(Instant.parse("2026-12-01T09:00:00Z"), 42);
		given(this.outbox.findRelayedAfter("Product", cursor.relayedAt(), 42, NOW.minusSeconds(30), 100))
			.willReturn(List.of());
		this.answerer.answer(this.channel, TAG,
				catchUp(Map.of(ReplayNames.CURSORS, Map.of("orders", cursor.toString(), "billing", "x"))));
		assertThat(this.sent).singleElement().satisfies((answer) -> {
			assertThat(answer.events()).isEmpty();
			assertThat(answer.replyTo()).isEqualTo("caught-up");
			assertThat(answer.endTo()).isEqualTo("caught-up");
			assertThat(answer.end().getDeliveryMode()).isEqualTo(2);
			assertThat(answer.end().getHeaders()).containsEntry(ReplayNames.KIND, ReplayNames.END)
				.containsEntry(ReplayNames.AGGREGATE_TYPE, "Product")
				.containsEntry(ReplayNames.PRODUCER, "orders")
				.containsEntry(ReplayNames.CURSOR, cursor.toString())
				.containsEntry(ReplayNames.MORE, false);
		});
		verify(this.channel).basicAck(TAG, false);
	}

	private static AMQP.BasicProperties request(String type, String id, @Nullable String correlationId) {
		Map<String, Object> headers = new HashMap<>();
		headers.put(ReplayNames.AGGREGATE_TYPE, type);
		headers.put(ReplayNames.AGGREGATE_ID, id);
		headers.put(ReplayNames.FROM_SEQUENCE, 2L);
		headers.put(ReplayNames.LOG_END_TO, "ends");
		return new AMQP.BasicProperties.Builder().headers(headers)
			.replyTo("replayed")
			.correlationId(correlationId)
			.build();
	}

	private static AMQP.BasicProperties catchUp(Map<String, Object> more) {
		Map<String, Object> headers = new HashMap<>(more);
		headers.put(ReplayNames.KIND, ReplayNames.CATCH_UP);
		headers.put(ReplayNames.AGGREGATE_TYPE, "Product");
		return new AMQP.BasicProperties.Builder().headers(headers).replyTo("caught-up").build();
	}

	private record Sent(List<StoredEvent> events, String replyTo, AMQP.@Nullable BasicProperties end,
			@Nullable String endTo) {

		@Override
		public AMQP.BasicProperties end() {
			assertThat(this.end).isNotNull();
			return this.end;
		}

	}

}
