package io.eventsource.faults;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.eventsource.publish.EventPublisher;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every connection to RabbitMQ closed by the broker (through its management API) while
 * events are published and applied: the relay and the listener reconnect by themselves,
 * and every committed event is applied once, in order per aggregate.
 */
class BrokerConnectionsTests {

	private final String prefix = TestServices.randomSuffix() + "-";

	private final JsonMapper json = JsonMapper.builder().build();

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void allConnectionsClosedTwiceUnderLoad(TestTopology topology) throws Exception {
		int aggregates = 10;
		int total = 3000;
		FaultEvents.withListener(Database.POSTGRESQL, topology, this.prefix, aggregates, (context, jdbc) -> {
			EventPublisher publisher = context.getBean(EventPublisher.class);
			AtomicInteger published = new AtomicInteger();
			CompletableFuture<Void> load = PacedLoad.start(total, Duration.ofMillis(5), (i) -> {
				publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + (i % aggregates),
						new FaultEvents.OrderPlaced(i));
				published.incrementAndGet();
			});
			await().atMost(Duration.ofSeconds(60)).until(() -> published.get() >= 300);
			// the management API lists a new connection a few seconds after it
			// opens
			int closed = await().atMost(Duration.ofSeconds(30)).until(this::closeAllConnections, (n) -> n > 0);
			int publishedAtFirstClose = published.get();
			await().atMost(Duration.ofSeconds(60)).until(() -> published.get() >= publishedAtFirstClose + 300);
			closed += await().atMost(Duration.ofSeconds(30)).until(this::closeAllConnections, (n) -> n > 0);
			// both closes hit a running load
			assertThat(published.get()).isLessThan(total);
			load.get(2, TimeUnit.MINUTES);
			assertThat(closed).isPositive();
			FaultEvents.awaitAppliedOnceInOrder(jdbc, this.prefix, total, aggregates, Duration.ofSeconds(90));
			TestTopology.awaitConsuming(context);
			FaultReport.record("every RabbitMQ connection closed twice under load (" + topology + ")", total,
					FaultEvents.appliedCount(jdbc, this.prefix), FaultReport.consumed(context, "duplicate"), 0,
					closed + " connections closed; relay and listener reconnected");
		});
	}

	/**
	 * Closes every client connection of the broker through its management API.
	 */
	private int closeAllConnections() {
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			JsonNode connections = this.json.readTree(rabbit.management("GET", "/connections", null));
			int closed = 0;
			for (JsonNode connection : connections) {
				try {
					rabbit.management("DELETE",
							"/connections/" + RabbitTestClient.encode(connection.path("name").asString()), null);
					closed++;
				}
				catch (IllegalStateException ex) {
					// gone in between
				}
			}
			return closed;
		}
	}

}
