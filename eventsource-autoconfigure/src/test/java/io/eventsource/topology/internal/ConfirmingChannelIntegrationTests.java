package io.eventsource.topology.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import com.rabbitmq.client.AMQP;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import io.eventsource.topology.SendOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ConfirmingChannel} on a real broker: what it publishes is settled once the
 * broker confirmed it, or once the broker closed the channel, so that the relay can tell
 * without waiting whether the confirms of a page are in.
 */
class ConfirmingChannelIntegrationTests {

	private final RabbitTestClient rabbit = new RabbitTestClient();

	private final String queue = "confirming-" + TestServices.randomSuffix();

	private CachingConnectionFactory connectionFactory;

	@BeforeEach
	void declare() {
		this.rabbit.declareQueue(this.queue);
		TestServices.Endpoint endpoint = TestServices.rabbit();
		this.connectionFactory = new CachingConnectionFactory(endpoint.host(), endpoint.port());
		this.connectionFactory.setUsername("guest");
		this.connectionFactory.setPassword("guest");
	}

	@AfterEach
	void cleanUp() {
		this.connectionFactory.destroy();
		this.rabbit.close();
	}

	@Test
	void whatWasPublishedIsSettledOnceTheBrokerConfirmedIt() throws Exception {
		try (ConfirmingChannel channel = ConfirmingChannel.open(this.connectionFactory)) {
			assertThat(channel.isSettled(channel.lastPublished())).as("nothing published yet").isTrue();
			long first = channel.publish("", this.queue, true, properties("m1"), body());
			long second = channel.publish("", this.queue, true, properties("m2"), body());
			await().atMost(Duration.ofSeconds(10)).until(() -> channel.isSettled(second));
			ConfirmingChannel.Confirms confirms = channel.awaitConfirms(second, Set.of("m1", "m2"),
					Duration.ofMillis(1));
			assertThat(confirms.acked(first)).isTrue();
			assertThat(confirms.acked(second)).isTrue();
			assertThat(channel.isOpen()).as("answered without waiting, so not timed out").isTrue();
		}
		assertThat(this.rabbit.messageCount(this.queue)).isEqualTo(2);
	}

	@Test
	void whatWasPublishedIsSettledWhenTheBrokerClosesTheChannel() throws Exception {
		try (ConfirmingChannel channel = ConfirmingChannel.open(this.connectionFactory)) {
			long lost = channel.publish("missing-" + TestServices.randomSuffix(), "", true, properties("m1"), body());
			await().atMost(Duration.ofSeconds(10)).until(() -> channel.isSettled(lost));
			assertThat(channel.isOpen()).isFalse();
			ConfirmingChannel.Confirms confirms = channel.awaitConfirms(lost, Set.of("m1"), Duration.ofMillis(1));
			assertThat(confirms.outcome(lost, "m1", SendOutcome.RETURNED)).isEqualTo(SendOutcome.FAILED);
		}
	}

	private static AMQP.BasicProperties properties(String messageId) {
		return new AMQP.BasicProperties.Builder().messageId(messageId).deliveryMode(2).build();
	}

	private static byte[] body() {
		return "{}".getBytes(StandardCharsets.UTF_8);
	}

}
