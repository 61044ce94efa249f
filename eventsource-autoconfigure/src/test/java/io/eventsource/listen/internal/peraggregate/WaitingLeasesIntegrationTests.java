package io.eventsource.listen.internal.peraggregate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * The renewal of waiting queues' leases on the real broker: a queue whose ids wait
 * outlives its expiry while it is renewed, and expires once nothing renews it. The
 * management API, which renews nothing, tells whether it is still there.
 */
class WaitingLeasesIntegrationTests {

	private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1");

	private final RabbitTestClient rabbit = new RabbitTestClient();

	private final String queue = "LeaseProbe-" + TestServices.randomSuffix() + "-billing";

	@AfterEach
	void deleteQueue() {
		try {
			this.rabbit.deleteQueue(this.queue);
		}
		finally {
			this.rabbit.close();
			this.connectionFactory.destroy();
		}
	}

	@Test
	void aRenewedQueueOutlivesItsExpiryAndExpiresOnceRenewalsStop() {
		Duration expiry = Duration.ofSeconds(2);
		this.rabbit.withChannel((channel) -> channel.queueDeclare(this.queue, true, false, false,
				Map.of("x-expires", (int) expiry.toMillis())));
		// due every third of the expiry: a renewal every 0.67 s
		WaitingLeases leases = new WaitingLeases(this.connectionFactory, expiry);
		await().during(Duration.ofSeconds(5))
			.atMost(Duration.ofSeconds(8))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				leases.renewIfDue(() -> List.of(this.queue));
				return this.rabbit.managementKnowsQueue(this.queue);
			});
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> !this.rabbit.managementKnowsQueue(this.queue));
	}

	@Test
	void aQueueGoneEndsARenewalWithoutFailingAndTheNextOneStillRenews() {
		Duration expiry = Duration.ofSeconds(2);
		this.rabbit.withChannel((channel) -> channel.queueDeclare(this.queue, true, false, false,
				Map.of("x-expires", (int) expiry.toMillis())));
		WaitingLeases leases = new WaitingLeases(this.connectionFactory, expiry);
		String gone = "LeaseProbe-" + TestServices.randomSuffix() + "-gone";
		await().during(Duration.ofSeconds(4))
			.atMost(Duration.ofSeconds(7))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				assertThatNoException().isThrownBy(() -> leases.renewIfDue(() -> List.of(this.queue, gone)));
				return this.rabbit.managementKnowsQueue(this.queue);
			});
	}

}
