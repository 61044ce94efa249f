package io.eventsource.replay.internal;

import java.util.HashMap;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How {@link ReplayRequestHeaders} reads a request for the events of one aggregate from
 * the wire, where anyone who can publish to the replay exchange can send one: names no
 * aggregate could have are refused with a bounded message, before any query.
 */
class ReplayRequestHeadersTests {

	@Test
	void readsARequest() {
		assertThat(ReplayRequestHeaders.request(properties("Product", "A-1", 5L, 9L)))
			.isEqualTo(new ReplayRequest("Product", "A-1", 5, 9));
		assertThat(ReplayRequestHeaders.request(properties("Product", "A-1", 5, null)))
			.isEqualTo(new ReplayRequest("Product", "A-1", 5, 0));
	}

	@Test
	void aRequestWithoutItsHeadersIsNone() {
		assertThat(ReplayRequestHeaders.request(new AMQP.BasicProperties.Builder().build())).isNull();
		assertThat(ReplayRequestHeaders.request(properties("Product", null, 5, 9))).isNull();
	}

	@Test
	void anAggregateIdNoAggregateCanHaveIsRefusedWithABoundedMessage() {
		// a NUL fails the producer's query on PostgreSQL
		String id = "A\u0000" + "9".repeat(70_000);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplayRequestHeaders.request(properties("Product", id, 1, 0)))
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(300)
				.contains("'aggregateId'")
				.contains("(70002 chars)")
				.doesNotContain("\u0000"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplayRequestHeaders.request(properties("Product", "a b", 1, 0)));
	}

	@Test
	void anAggregateTypeNoAggregateCanHaveIsRefusedWithABoundedMessage() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplayRequestHeaders.request(properties("P".repeat(5_000) + "\n", "A-1", 1, 0)))
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(300).contains("'aggregateType'"));
	}

	@Test
	void sequencesNoLogHasAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplayRequestHeaders.request(properties("Product", "A-1", 0, 0)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplayRequestHeaders.request(properties("Product", "A-1", 1, -1L)));
	}

	@Test
	void aRequestWantsTheEndOfTheLogOnlyInAQueueThatCanBeAndForARequestItNames() {
		assertThat(ReplayRequestHeaders.logEndTo(logEndTo("amq.gen-1", "r-1"))).isEqualTo("amq.gen-1");
		assertThat(ReplayRequestHeaders.logEndTo(logEndTo("amq.gen-1", null))).isNull();
		assertThat(ReplayRequestHeaders.logEndTo(logEndTo("", "r-1"))).isNull();
		assertThat(ReplayRequestHeaders.logEndTo(logEndTo("q".repeat(255), "r-1"))).hasSize(255);
		// a queue name is at most 255 bytes, not characters
		assertThat(ReplayRequestHeaders.logEndTo(logEndTo("\u00e9".repeat(128), "r-1"))).isNull();
		assertThat(ReplayRequestHeaders.logEndTo(properties("Product", "A-1", 1, 0))).isNull();
	}

	private static AMQP.BasicProperties logEndTo(String queue, String correlationId) {
		Map<String, Object> headers = new HashMap<>();
		headers.put(ReplayNames.LOG_END_TO, queue);
		return new AMQP.BasicProperties.Builder().headers(headers).correlationId(correlationId).build();
	}

	private static AMQP.BasicProperties properties(String type, String id, Number from, Number to) {
		Map<String, Object> headers = new HashMap<>();
		headers.put(ReplayNames.AGGREGATE_TYPE, type);
		if (id != null) {
			headers.put(ReplayNames.AGGREGATE_ID, id);
		}
		headers.put(ReplayNames.FROM_SEQUENCE, from);
		if (to != null) {
			headers.put(ReplayNames.TO_SEQUENCE, to);
		}
		return new AMQP.BasicProperties.Builder().headers(headers).build();
	}

}
