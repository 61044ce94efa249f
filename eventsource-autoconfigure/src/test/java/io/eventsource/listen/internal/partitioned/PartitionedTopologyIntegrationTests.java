package io.eventsource.listen.internal.partitioned;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.publish.EventPublisher;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import io.eventsource.topology.PartitionedNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The partitioned topology on the broker itself: the partition queues and their
 * arguments, each aggregate routed to the partition of its hash, events waiting in the
 * queues while the service is down, and a change of the number of partitions that loses
 * and reorders nothing.
 */
class PartitionedTopologyIntegrationTests {

	static final String AGGREGATE_TYPE = "PartitionTestShipment";

	private final JsonMapper json = JsonMapper.builder().build();

	private final String prefix = TestServices.randomSuffix() + "-";

	private ApplicationContextRunner runner(String service, String... properties) {
		return EventSourceContexts.runner(Database.POSTGRESQL, service)
			.withPropertyValues("eventsource.topology=partitioned", "eventsource.relay.poll-interval=200ms",
					"eventsource.listener.retry-delay=200ms", "eventsource.partitioned.rebalance-interval=1s")
			.withPropertyValues(properties);
	}

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PARTITIONED", "PARTITIONED_QUORUM" })
	void eventsWaitInThePartitionOfTheirAggregateWhileTheServiceIsDown(TestTopology topology) {
		String billing = "billing-" + TestServices.randomSuffix();
		int partitions = 4;
		int aggregates = 12;
		int total = 60;
		String[] listening = { "eventsource.partitioned.partitions=" + partitions,
				topology.properties()[topology.properties().length - 1] };
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			runner("orders-" + TestServices.randomSuffix()).run((orders) -> {
				JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
				try {
					// the first start lays out the partitions; then the service is down
					runner(billing, listening).withBean(Recorder.class, Recorder::new)
						.run(TestTopology::awaitConsuming);
					for (int k = 0; k < partitions; k++) {
						JsonNode queue = this.json.readTree(rabbit.management("GET",
								"/queues/%2F/"
										+ RabbitTestClient.encode(PartitionedNames.queue(AGGREGATE_TYPE, billing, k)),
								null));
						assertThat(queue.path("durable").asBoolean()).isTrue();
						assertThat(queue.path("arguments").path("x-single-active-consumer").asBoolean()).isTrue();
						assertThat(queue.path("type").asString())
							.isEqualTo((topology == TestTopology.PARTITIONED_QUORUM) ? "quorum" : "classic");
					}
					assertThat(bindings(rabbit, billing)).hasSize(PartitionedNames.BUCKETS)
						.allSatisfy((bucket, queue) -> assertThat(queue)
							.isEqualTo(PartitionedNames.queue(AGGREGATE_TYPE, billing, bucket % partitions)));
					publish(orders, 0, total, aggregates);
					awaitRelayed(jdbc, total);
					Map<Integer, Integer> expected = new TreeMap<>();
					for (int i = 0; i < total; i++) {
						expected.merge(PartitionedNames.bucket(this.prefix + (i % aggregates)) % partitions, 1,
								Integer::sum);
					}
					Map<Integer, Integer> waiting = new TreeMap<>();
					for (int k = 0; k < partitions; k++) {
						int count = rabbit.messageCount(PartitionedNames.queue(AGGREGATE_TYPE, billing, k));
						if (count > 0) {
							waiting.put(k, count);
						}
					}
					assertThat(waiting).isEqualTo(expected);
					Recorder recorder = new Recorder();
					runner(billing, listening).withBean(Recorder.class, () -> recorder).run((listener) -> {
						await().atMost(Duration.ofSeconds(60)).until(() -> recorder.count() >= total);
						recorder.assertOnceInOrder(total, aggregates);
					});
				}
				finally {
					cleanUp(jdbc, billing);
				}
			});
		}
	}

	@Test
	void changingTheNumberOfPartitionsLosesAndReordersNothing() {
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 20;
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			runner("orders-" + TestServices.randomSuffix()).run((orders) -> {
				JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
				Recorder recorder = new Recorder();
				try {
					runner(billing, "eventsource.partitioned.partitions=4").withBean(Recorder.class, () -> recorder)
						.run(TestTopology::awaitConsuming);
					publish(orders, 0, 100, aggregates);
					awaitRelayed(jdbc, 100);
					// fewer partitions: the two surplus queues still hold events while
					// new
					// ones arrive in the remaining two
					runner(billing, "eventsource.partitioned.partitions=2").withBean(Recorder.class, () -> recorder)
						.run((listener) -> {
							TestTopology.awaitConsuming(listener);
							publish(orders, 100, 200, aggregates);
							await().atMost(Duration.ofSeconds(60)).until(() -> recorder.count() >= 200);
							await().atMost(Duration.ofSeconds(30))
								.until(() -> !rabbit.queueExists(PartitionedNames.queue(AGGREGATE_TYPE, billing, 2))
										&& !rabbit.queueExists(PartitionedNames.queue(AGGREGATE_TYPE, billing, 3)));
							assertThat(bindings(rabbit, billing)).hasSize(PartitionedNames.BUCKETS)
								.allSatisfy((bucket, queue) -> assertThat(queue)
									.isEqualTo(PartitionedNames.queue(AGGREGATE_TYPE, billing, bucket % 2)));
						});
					publish(orders, 200, 300, aggregates);
					awaitRelayed(jdbc, 300);
					// more partitions
					runner(billing, "eventsource.partitioned.partitions=6").withBean(Recorder.class, () -> recorder)
						.run((listener) -> {
							TestTopology.awaitConsuming(listener);
							publish(orders, 300, 400, aggregates);
							await().atMost(Duration.ofSeconds(60)).until(() -> recorder.count() >= 400);
							assertThat(bindings(rabbit, billing)).hasSize(PartitionedNames.BUCKETS)
								.allSatisfy((bucket, queue) -> assertThat(queue)
									.isEqualTo(PartitionedNames.queue(AGGREGATE_TYPE, billing, bucket % 6)));
						});
					recorder.assertOnceInOrder(400, aggregates);
				}
				finally {
					cleanUp(jdbc, billing);
				}
			});
		}
	}

	private void publish(ApplicationContext orders, int from, int to, int aggregates) {
		EventPublisher publisher = orders.getBean(EventPublisher.class);
		for (int i = from; i < to; i++) {
			publisher.publish(AGGREGATE_TYPE, this.prefix + (i % aggregates), new Shipped(i));
		}
	}

	private void awaitRelayed(JdbcTemplate jdbc, int total) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> jdbc
				.queryForObject(
						"SELECT COUNT(*) FROM public_messages WHERE topic = ? AND aggregate_id LIKE ? "
								+ "AND relayed_at IS NOT NULL",
						Integer.class, AGGREGATE_TYPE, this.prefix + "%") >= total);
	}

	/**
	 * Returns the queue of this service each bucket is bound to, failing on a bucket
	 * bound twice.
	 */
	private Map<Integer, String> bindings(RabbitTestClient rabbit, String service) {
		JsonNode bindings = this.json.readTree(rabbit.management("GET", "/exchanges/%2F/"
				+ RabbitTestClient.encode(PartitionedNames.exchange(AGGREGATE_TYPE)) + "/bindings/source", null));
		Map<Integer, String> byBucket = new HashMap<>();
		for (JsonNode binding : bindings) {
			String queue = binding.path("destination").asString();
			if (queue.startsWith(AGGREGATE_TYPE + "." + service + ".")) {
				String previous = byBucket.put(Integer.parseInt(binding.path("routing_key").asString()), queue);
				assertThat(previous).as("bucket %s bound twice", binding.path("routing_key").asString()).isNull();
			}
		}
		return byBucket;
	}

	private void cleanUp(JdbcTemplate jdbc, String billing) {
		TestCleanUp.deleteEvents(jdbc, AGGREGATE_TYPE, this.prefix + "%");
		TestCleanUp.deleteInbox(jdbc, billing);
		TestTopology.PARTITIONED.cleanUp(AGGREGATE_TYPE, billing, List.of());
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record Shipped(int n) {
	}

	/**
	 * Records the sequences each handler call saw, per aggregate.
	 */
	static class Recorder {

		private final Map<String, List<Long>> sequences = new ConcurrentHashMap<>();

		@EventSourceListener(projection = "shipping")
		void on(Shipped event, EventMetadata metadata) {
			this.sequences
				.computeIfAbsent(metadata.aggregateId(), (id) -> Collections.synchronizedList(new ArrayList<>()))
				.add(metadata.sequence());
		}

		int count() {
			return this.sequences.values().stream().mapToInt(List::size).sum();
		}

		void assertOnceInOrder(int total, int aggregates) {
			assertThat(count()).isEqualTo(total);
			assertThat(this.sequences).hasSize(aggregates);
			this.sequences.forEach((id, applied) -> assertThat(applied).as("aggregate %s", id)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, applied.size()).boxed().toList()));
		}

	}

}
