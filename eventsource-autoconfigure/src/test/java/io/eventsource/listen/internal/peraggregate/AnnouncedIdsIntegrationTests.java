package io.eventsource.listen.internal.peraggregate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.rabbitmq.client.AMQP;
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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * Announcements on {@code {Type}AggregateIds} that can never name a queue (generated:
 * longer than a queue name may be, up to 100,000 bytes; random bytes; NULs and other
 * control characters; empty), sent with the plain client between real events (sent the
 * way a relay does, see {@link PlainClientProducer}): they are dropped, counted and
 * logged shortly, and the real events are applied.
 */
@ExtendWith(OutputCaptureExtension.class)
class AnnouncedIdsIntegrationTests {

	static final String AGGREGATE_TYPE = "AnnouncedIdsOrder";

	private static final int HOSTILE_PER_ROUND = 12;

	private static final int ROUNDS = 5;

	private final JsonMapper json = JsonMapper.builder().build();

	private ApplicationContextRunner runner(String service) {
		return EventSourceContexts.runner(Database.POSTGRESQL, service)
			.withPropertyValues("eventsource.per-aggregate.consumer-idle-timeout=2s",
					"eventsource.listener.retry-delay=200ms", "eventsource.registry.heartbeat-interval=1s");
	}

	@Test
	void hostileAnnouncementsAreDroppedCountedAndLoggedShortWhileRealEventsAreApplied(CapturedOutput output) {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		String billing = "billing-" + TestServices.randomSuffix();
		List<String> ids = IntStream.range(0, ROUNDS).mapToObj((n) -> TestServices.randomSuffix()).toList();
		String idsQueue = PerAggregateNames.aggregateIdsQueue(AGGREGATE_TYPE, billing);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			runner(billing).withBean(Applied.class, Applied::new)
				.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
				.run((listener) -> {
					try {
						await().atMost(Duration.ofSeconds(30))
							.until(() -> listener.getBean(PerAggregateListenerContainer.class).isConsuming());
						int logStart = output.getAll().length();
						int hostile = 0;
						for (int round = 0; round < ROUNDS; round++) {
							send(rabbit, billing, ids.get(round), 1);
							for (int n = 0; n < HOSTILE_PER_ROUND; n++) {
								byte[] body = hostileId(random, n);
								rabbit.withChannel((channel) -> channel.basicPublish(
										PerAggregateNames.aggregateIdsExchange(AGGREGATE_TYPE), "",
										new AMQP.BasicProperties.Builder().deliveryMode(2).build(), body));
								hostile++;
							}
							send(rabbit, billing, ids.get(round), 2);
						}
						int sent = hostile;
						Applied applied = listener.getBean(Applied.class);
						MeterRegistry meters = listener.getBean(MeterRegistry.class);
						String context = "seed " + seed;
						await().atMost(Duration.ofSeconds(30))
							.untilAsserted(() -> ids.forEach(
									(id) -> assertThat(applied.sequences(id)).as(context).containsExactly(1L, 2L)));
						await().atMost(Duration.ofSeconds(30))
							.untilAsserted(() -> assertThat(dropped(meters, billing)).as(context).isEqualTo(sent));
						// the management API's counts lag by its statistics interval
						await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
							JsonNode queue = this.json.readTree(
									rabbit.management("GET", "/queues/%2F/" + RabbitTestClient.encode(idsQueue), null));
							assertThat(queue.path("messages_ready").asInt()).as(context).isZero();
							assertThat(queue.path("messages_unacknowledged").asInt()).as(context).isZero();
						});
						byte[] logged = output.getAll().substring(logStart).getBytes(StandardCharsets.UTF_8);
						assertThat(logged.length / sent).as("log bytes per hostile announcement, " + context)
							.isLessThan(2048);
					}
					finally {
						cleanUp(listener, billing, ids);
					}
				});
		}
	}

	private static void send(RabbitTestClient rabbit, String billing, String id, int n) {
		PlainClientProducer.send(rabbit, billing, AGGREGATE_TYPE, id, n, "Packed", "{\"n\":" + n + "}");
	}

	/**
	 * An announcement that breaks a different rule each time, never a valid id.
	 */
	private static byte[] hostileId(Random random, int n) {
		return switch (n % 6) {
			// longer than an id may be, most far over the 255 bytes of a queue name
			case 0 -> ascii(random, 129 + random.nextInt(100_000 - 129));
			// random bytes with one that is never UTF-8
			case 1 -> withByte(random, randomBytes(random, 1 + random.nextInt(100_000)), (byte) 0xff);
			// random bytes with a NUL
			case 2 -> withByte(random, randomBytes(random, 1 + random.nextInt(200)), (byte) 0);
			// a short text with a control character
			case 3 -> withByte(random, ascii(random, 1 + random.nextInt(40)), (byte) (1 + random.nextInt(31)));
			// blank
			case 4 -> " ".repeat(random.nextInt(3)).getBytes(StandardCharsets.UTF_8);
			// a valid id with a line break, as if to forge a log line
			default -> ("order-1\n" + "x".repeat(random.nextInt(300))).getBytes(StandardCharsets.UTF_8);
		};
	}

	private static byte[] ascii(Random random, int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) ('!' + random.nextInt('~' - '!' + 1));
		}
		return bytes;
	}

	private static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	private static byte[] withByte(Random random, byte[] bytes, byte value) {
		bytes[random.nextInt(bytes.length)] = value;
		return bytes;
	}

	private static double dropped(MeterRegistry meters, String service) {
		return meters.find("eventsource.announcements.dropped")
			.tag("aggregate.type", AGGREGATE_TYPE)
			.tag("service", service)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private static void cleanUp(ApplicationContext listener, String billing, List<String> ids) {
		TestCleanUp.deleteListener(listener, new JdbcTemplate(listener.getBean(DataSource.class)),
				TestTopology.PER_AGGREGATE, AGGREGATE_TYPE, billing, ids);
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record Packed(int n) {
	}

	static class Applied {

		private final Map<String, List<Long>> sequences = new ConcurrentHashMap<>();

		@EventSourceListener(projection = "packing")
		void on(Packed event, EventMetadata metadata) {
			this.sequences.computeIfAbsent(metadata.aggregateId(), (id) -> new CopyOnWriteArrayList<>())
				.add(metadata.sequence());
		}

		List<Long> sequences(String aggregateId) {
			return List.copyOf(this.sequences.getOrDefault(aggregateId, List.of()));
		}

	}

}
