package io.eventsource.listen.internal.peraggregate;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import io.eventsource.topology.PerAggregateNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service's aggregate ids queue on the broker, read through the management HTTP API:
 * declared with its expiry and length limit, gone once the service has stopped for longer
 * than the expiry, and, declared the old way without them, still consumed.
 */
@ExtendWith(OutputCaptureExtension.class)
class AggregateIdsQueuesIntegrationTests {

	static final String AGGREGATE_TYPE = "IdsQueueOrder";

	private final JsonMapper json = JsonMapper.builder().build();

	private ApplicationContextRunner runner(String service) {
		return EventSourceContexts.runner(Database.POSTGRESQL, service)
			.withPropertyValues("eventsource.per-aggregate.consumer-idle-timeout=2s",
					"eventsource.registry.heartbeat-interval=1s");
	}

	@Test
	void theIdsQueueIsDeclaredWithItsExpiryAndLengthLimit() {
		String billing = "billing-" + TestServices.randomSuffix();
		String idsQueue = PerAggregateNames.aggregateIdsQueue(AGGREGATE_TYPE, billing);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			try {
				runner(billing).withBean(Counter.class, Counter::new).run((listener) -> {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> listener.getBean(PerAggregateListenerContainer.class).isConsuming());
					JsonNode arguments = queueInfo(rabbit, idsQueue).path("arguments");
					assertThat(arguments.path("x-expires").asLong()).as(arguments.toString())
						.isEqualTo(Duration.ofDays(7).toMillis());
					assertThat(arguments.path("x-max-length").asInt()).as(arguments.toString()).isEqualTo(100_000);
				});
				rabbit.deleteQueue(idsQueue);
				runner(billing).withBean(Counter.class, Counter::new)
					.withPropertyValues("eventsource.per-aggregate.ids-queue-expiry=3d",
							"eventsource.per-aggregate.ids-queue-max-length=0")
					.run((listener) -> {
						await().atMost(Duration.ofSeconds(30))
							.until(() -> listener.getBean(PerAggregateListenerContainer.class).isConsuming());
						JsonNode arguments = queueInfo(rabbit, idsQueue).path("arguments");
						assertThat(arguments.path("x-expires").asLong()).isEqualTo(Duration.ofDays(3).toMillis());
						assertThat(arguments.has("x-max-length")).as(arguments.toString()).isFalse();
					});
			}
			finally {
				rabbit.deleteQueue(idsQueue);
			}
		}
	}

	@Test
	void theIdsQueueOfAServiceThatStoppedDisappearsAfterTheExpiry() {
		String billing = "billing-" + TestServices.randomSuffix();
		String idsQueue = PerAggregateNames.aggregateIdsQueue(AGGREGATE_TYPE, billing);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			try {
				runner(billing).withBean(Counter.class, Counter::new)
					.withPropertyValues("eventsource.per-aggregate.ids-queue-expiry=3s")
					.run((listener) -> {
						PerAggregateListenerContainer container = listener.getBean(PerAggregateListenerContainer.class);
						await().atMost(Duration.ofSeconds(30)).until(container::isConsuming);
						// consumed: it lives past its expiry
						await().pollDelay(Duration.ofSeconds(5)).until(() -> rabbit.managementKnowsQueue(idsQueue));
					});
				// the service stopped: nothing consumes the queue any more
				await().atMost(Duration.ofSeconds(30)).until(() -> !rabbit.managementKnowsQueue(idsQueue));
			}
			finally {
				rabbit.deleteQueue(idsQueue);
			}
		}
	}

	@Test
	void aQueueDeclaredTheOldWayWithoutArgumentsIsStillConsumedWithOneWarning(CapturedOutput output) {
		String billing = "billing-" + TestServices.randomSuffix();
		String id = TestServices.randomSuffix();
		String idsQueue = PerAggregateNames.aggregateIdsQueue(AGGREGATE_TYPE, billing);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			rabbit.withChannel((channel) -> {
				channel.exchangeDeclare(PerAggregateNames.aggregateIdsExchange(AGGREGATE_TYPE), "fanout", true);
				channel.queueDeclare(idsQueue, true, false, false, null);
			});
			runner(billing).withBean(Counter.class, Counter::new).run((listener) -> {
				try {
					PerAggregateListenerContainer container = listener.getBean(PerAggregateListenerContainer.class);
					await().atMost(Duration.ofSeconds(30)).until(container::isConsuming);
					send(rabbit, billing, id, 1);
					Counter counter = listener.getBean(Counter.class);
					await().atMost(Duration.ofSeconds(30)).until(() -> counter.count == 1);
					assertThat(queueInfo(rabbit, idsQueue).path("arguments").size()).isZero();

					// consuming again after the channel closed warns no more
					container.stop();
					container.start();
					await().atMost(Duration.ofSeconds(30)).until(container::isConsuming);
					send(rabbit, billing, id, 2);
					await().atMost(Duration.ofSeconds(30)).until(() -> counter.count == 2);
					String warning = "The queue " + idsQueue + " exists with other arguments";
					assertThat(output.getAll().split(Pattern.quote(warning), -1)).hasSize(2);
					assertThat(output.getAll()).contains("rabbitmqctl set_policy " + idsQueue);
				}
				finally {
					cleanUp(listener, billing, id);
				}
			});
		}
	}

	private static void send(RabbitTestClient rabbit, String billing, String id, int n) {
		PlainClientProducer.send(rabbit, billing, AGGREGATE_TYPE, id, n, "Stored", "{\"n\":" + n + "}");
	}

	private JsonNode queueInfo(RabbitTestClient rabbit, String queue) {
		return this.json.readTree(rabbit.management("GET", "/queues/%2F/" + RabbitTestClient.encode(queue), null));
	}

	private static void cleanUp(ApplicationContext listener, String billing, String id) {
		TestCleanUp.deleteListener(listener, new JdbcTemplate(listener.getBean(DataSource.class)),
				TestTopology.PER_AGGREGATE, AGGREGATE_TYPE, billing, List.of(id));
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record Stored(int n) {
	}

	static class Counter {

		volatile int count;

		@EventSourceListener(projection = "storage")
		void on(Stored event, EventMetadata metadata) {
			this.count++;
		}

	}

}
