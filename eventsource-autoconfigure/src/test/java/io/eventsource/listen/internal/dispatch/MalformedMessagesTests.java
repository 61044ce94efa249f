package io.eventsource.listen.internal.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.AMQP;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.CloudEventsAmqpBinding;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MalformedMessages}: the id a message is parked under.
 */
class MalformedMessagesTests {

	private static final byte[] BODY = "{\"step\":1}".getBytes(StandardCharsets.UTF_8);

	@Test
	void theSameMessageDeliveredAgainHasTheSameId() {
		assertThat(id(message("m-1", "text/plain", Map.of("a", "1", "b", "2"), BODY)))
			.isEqualTo(id(message("m-1", "text/plain", Map.of("b", "2", "a", "1"), BODY.clone())));
		assertThat(id(message(null, null, Map.of(), BODY))).isEqualTo(id(message(null, null, Map.of(), BODY)));
	}

	@Test
	void messagesWithTheSameBodyThatDifferInAnythingElseHaveIdsOfTheirOwn() {
		UUID plain = id(message(null, null, Map.of("broken", "1"), BODY));
		assertThat(id(message(null, null, Map.of("broken", "2"), BODY))).isNotEqualTo(plain);
		assertThat(id(message(null, null, Map.of("broken2", "1"), BODY))).isNotEqualTo(plain);
		assertThat(id(message(null, null, Map.of(), BODY))).isNotEqualTo(plain);
		assertThat(id(message("m-1", null, Map.of("broken", "1"), BODY))).isNotEqualTo(plain);
		assertThat(id(message("null", null, Map.of("broken", "1"), BODY))).isNotEqualTo(plain);
		assertThat(id(message(null, "text/plain", Map.of("broken", "1"), BODY))).isNotEqualTo(plain);
		assertThat(MalformedMessages.id("Account", "2", message(null, null, Map.of("broken", "1"), BODY),
				Map.of("broken", "1")))
			.isNotEqualTo(plain);
		// no two ways to split the same bytes into fields
		assertThat(id(message(null, null, Map.of("ab", "c"), BODY)))
			.isNotEqualTo(id(message(null, null, Map.of("a", "bc"), BODY)));
	}

	@Test
	void aMessageWithTheSameIdAndAnotherBodyHasAnIdOfItsOwn() {
		String messageId = UUID.randomUUID().toString();
		assertThat(id(message(messageId, null, Map.of(), BODY)))
			.isNotEqualTo(id(message(messageId, null, Map.of(), "{\"step\":2}".getBytes(StandardCharsets.UTF_8))));
	}

	@Test
	void anEventOfAnotherAggregateIsParkedUnderItsEventId() {
		UUID eventId = UUID.randomUUID();
		EventMetadata metadata = new EventMetadata(eventId, "Account", "other", 1, "Deposited", Instant.now(),
				eventId.toString(), null, "producer", Map.of());
		ReceivedMessage delivery = new ReceivedMessage(1, false,
				new AMQP.BasicProperties.Builder()
					.headers(new LinkedHashMap<>(CloudEventsAmqpBinding.toHeaders(metadata)))
					.build(),
				BODY);
		assertThat(delivery.metadata()).isNotNull();
		assertThat(id(delivery)).isEqualTo(eventId);
	}

	private static UUID id(ReceivedMessage delivery) {
		Map<String, Object> headers = (delivery.properties().getHeaders() != null) ? delivery.properties().getHeaders()
				: Map.of();
		return MalformedMessages.id("Account", "1", delivery, MalformedHeaders.of(headers));
	}

	private static ReceivedMessage message(@Nullable String messageId, @Nullable String contentType,
			Map<String, Object> headers, byte[] body) {
		return new ReceivedMessage(1, false,
				new AMQP.BasicProperties.Builder().messageId(messageId)
					.contentType(contentType)
					.headers(headers.isEmpty() ? null : new LinkedHashMap<>(headers))
					.build(),
				body);
	}

}
