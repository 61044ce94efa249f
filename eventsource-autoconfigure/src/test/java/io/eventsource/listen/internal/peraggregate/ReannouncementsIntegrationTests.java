package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.rabbitmq.client.GetResponse;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import io.eventsource.topology.PerAggregateNames;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Reannouncements} on the real broker: an id that cannot be announced
 * while the broker is away is announced in a later round, in order with the others.
 */
class ReannouncementsIntegrationTests {

	@Test
	void idsThatCannotBeAnnouncedWaitForTheNextRoundInOrder() throws Exception {
		String type = TestServices.aggregateType("Reannounced");
		String service = "reannounce-" + TestServices.randomSuffix();
		String queue = PerAggregateNames.aggregateIdsQueue(type, service);
		AtomicBoolean away = new AtomicBoolean(true);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			rabbit.withChannel((channel) -> channel.queueDeclare(queue, false, false, false, null));
			try {
				rabbit.withChannel((publishing) -> {
					Reannouncements reannouncements = new Reannouncements(service, () -> {
						if (away.get()) {
							throw new IOException("the broker is away");
						}
						return publishing;
					});
					assertThat(reannouncements.now(type, "1")).isFalse();
					reannouncements.later(type, "2");
					reannouncements.round();
					assertThat(rabbit.messageCount(queue)).isZero();
					away.set(false);
					reannouncements.round();
					assertThat(reannouncements.now(type, "3")).isTrue();
					reannouncements.round();
				});
				List<GetResponse> announced = rabbit.take(queue, 3, Duration.ofSeconds(10));
				assertThat(announced).extracting((message) -> new String(message.getBody(), StandardCharsets.UTF_8))
					.containsExactly("1", "2", "3");
				assertThat(rabbit.get(queue)).as("each id once").isNull();
			}
			finally {
				rabbit.deleteQueue(queue);
			}
		}
	}

}
