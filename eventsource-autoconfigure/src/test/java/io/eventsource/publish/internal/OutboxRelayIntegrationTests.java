package io.eventsource.publish.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.rabbitmq.client.GetResponse;
import io.cloudevents.CloudEvent;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.test.AmqpBinaryCloudEventReader;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.topology.PerAggregateNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay against the real broker: what it puts on the wire, confirm-then-mark, the
 * broker going away, two relays on one table, and the repair of a stale declaration
 * cache.
 */
class OutboxRelayIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final String aggregateType = TestServices.aggregateType("Product");

	private final String listener = "listener-" + TestServices.randomSuffix();

	private final String otherListener = "other-" + TestServices.randomSuffix();

	private final Set<String> aggregateIds = new HashSet<>();

	private final RabbitTestClient rabbit = new RabbitTestClient();

	private ApplicationContextRunner runner(Database database) {
		return EventSourceContexts.runner(database, "catalog-" + TestServices.randomSuffix())
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("eventsource.relay.poll-interval=200ms");
	}

	@AfterEach
	void cleanUp() {
		for (String id : this.aggregateIds) {
			this.rabbit.deleteQueue(PerAggregateNames.aggregateQueue(this.aggregateType, id, this.listener));
			this.rabbit.deleteQueue(PerAggregateNames.aggregateQueue(this.aggregateType, id, this.otherListener));
			this.rabbit.deleteExchange(PerAggregateNames.aggregateExchange(this.aggregateType, id));
		}
		this.rabbit.deleteQueue(PerAggregateNames.aggregateIdsQueue(this.aggregateType, this.listener));
		this.rabbit.deleteExchange(PerAggregateNames.aggregateIdsExchange(this.aggregateType));
		this.rabbit.close();
	}

	@Test
	void eventsGoOutInOrderAsCloudEventsThatAPlainClientReads() {
		runner(Database.POSTGRESQL).withPropertyValues("eventsource.service-name=catalog").run((context) -> {
			try {
				listen(context);
				String aggregateIdsQueue = PerAggregateNames.aggregateIdsQueue(this.aggregateType, this.listener);
				this.rabbit.withChannel((channel) -> {
					channel.exchangeDeclare(PerAggregateNames.aggregateIdsExchange(this.aggregateType), "fanout", true);
					channel.queueDeclare(aggregateIdsQueue, true, false, false, null);
					channel.queueBind(aggregateIdsQueue, PerAggregateNames.aggregateIdsExchange(this.aggregateType),
							"");
				});
				EventPublisher publisher = context.getBean(EventPublisher.class);
				List<EventMetadata> published = new ArrayList<>();
				published.add(publisher.publish(this.aggregateType, id("42"), new ProductCreated("A-1", "Lamp")));
				published.add(publisher.publish(this.aggregateType, id("42"), new PriceChanged(10),
						PublishOptions.defaults().withHeader("tenant", "acme")));
				published.add(publisher.publish(this.aggregateType, id("42"), new PriceChanged(12)));

				List<GetResponse> messages = this.rabbit.take(queue("42"), 3, WAIT);
				assertThat(messages).extracting((message) -> message.getProps().getMessageId())
					.containsExactly(
							published.stream().map((event) -> event.eventId().toString()).toArray(String[]::new));

				GetResponse second = messages.get(1);
				EventMetadata expected = published.get(1);
				assertThat(second.getProps().getContentType()).isEqualTo("application/json");
				assertThat(second.getProps().getDeliveryMode()).isEqualTo(2);
				assertThat(new String(second.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"price\":10}");
				Map<String, String> headers = new HashMap<>();
				second.getProps().getHeaders().forEach((name, value) -> headers.put(name, value.toString()));
				assertThat(headers).containsOnly(Map.entry("cloudEvents_specversion", "1.0"),
						Map.entry("cloudEvents_id", expected.eventId().toString()),
						Map.entry("cloudEvents_source", "catalog"), Map.entry("cloudEvents_type", "PriceChanged"),
						Map.entry("cloudEvents_subject", "42"),
						Map.entry("cloudEvents_time", expected.occurredAt().toString()),
						Map.entry("cloudEvents_aggregatetype", this.aggregateType),
						Map.entry("cloudEvents_sequence", "2"), Map.entry("cloudEvents_partitionkey", "42"),
						Map.entry("cloudEvents_correlationid", expected.eventId().toString()),
						Map.entry("cloudEvents_tenant", "acme"));
				assertThat(OffsetDateTime.parse(headers.get("cloudEvents_time")).toInstant())
					.isEqualTo(expected.occurredAt());

				CloudEvent event = AmqpBinaryCloudEventReader.read(second.getProps(), second.getBody());
				assertThat(event.getId()).isEqualTo(expected.eventId().toString());
				assertThat(event.getType()).isEqualTo("PriceChanged");
				assertThat(event.getSource()).hasToString("catalog");
				assertThat(event.getSubject()).isEqualTo("42");
				assertThat(event.getTime().toInstant()).isEqualTo(expected.occurredAt());
				assertThat(event.getDataContentType()).isEqualTo("application/json");
				assertThat(event.getExtension("sequence")).hasToString("2");
				assertThat(event.getExtension("aggregatetype")).isEqualTo(this.aggregateType);
				assertThat(event.getExtension("tenant")).isEqualTo("acme");
				assertThat(event.getData().toBytes()).isEqualTo("{\"price\":10}".getBytes(StandardCharsets.UTF_8));

				assertThat(this.rabbit.take(aggregateIdsQueue, 1, WAIT).get(0).getBody())
					.isEqualTo("42".getBytes(StandardCharsets.UTF_8));
				awaitAllRelayed(context);
			}
			finally {
				deleteRows(context);
			}
		});
	}

	@Test
	void rowIsMarkedRelayedOnlyOnceTheBrokerConfirmsIt() {
		String policy = "eventsource-test-" + this.aggregateType;
		runner(Database.POSTGRESQL).run((context) -> {
			try {
				listen(context);
				this.rabbit.management("PUT", "/policies/%2F/" + policy, "{\"pattern\":\"^" + this.aggregateType
						+ "-\",\"apply-to\":\"queues\",\"definition\":{\"max-length\":0,\"overflow\":\"reject-publish\"}}");
				EventPublisher publisher = context.getBean(EventPublisher.class);
				publisher.publish(this.aggregateType, id("1"), new PriceChanged(1));
				publisher.publish(this.aggregateType, id("1"), new PriceChanged(2));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await().atMost(WAIT).until(() -> relayed(meters, "nacked") >= 2);
				assertThat(unrelayed(context)).isEqualTo(2);
				assertThat(this.rabbit.get(queue("1"))).isNull();

				this.rabbit.management("DELETE", "/policies/%2F/" + policy, null);
				List<GetResponse> messages = this.rabbit.take(queue("1"), 2, WAIT);
				assertThat(messages)
					.extracting((message) -> message.getProps().getHeaders().get("cloudEvents_sequence"))
					.extracting(Object::toString)
					.containsExactly("1", "2");
				awaitAllRelayed(context);
			}
			finally {
				this.rabbit.deleteQueue(queue("1"));
				try {
					this.rabbit.management("DELETE", "/policies/%2F/" + policy, null);
				}
				catch (IllegalStateException ex) {
					// already deleted
				}
				deleteRows(context);
			}
		});
	}

	@Test
	void publishingSucceedsWhileTheBrokerIsDownAndNothingIsLostWhenItComesBack() {
		runner(Database.POSTGRESQL).run((context) -> {
			try {
				listen(context);
				EventPublisher publisher = context.getBean(EventPublisher.class);
				publisher.publish(this.aggregateType, id("1"), new PriceChanged(0));
				this.rabbit.take(queue("1"), 1, WAIT);
				TestServices.rabbitmqctl("stop_app");
				try {
					for (int i = 1; i <= 20; i++) {
						publisher.publish(this.aggregateType, id(Integer.toString(i % 3 + 1)), new PriceChanged(i));
					}
					assertThat(unrelayed(context)).isEqualTo(20);
				}
				finally {
					TestServices.rabbitmqctl("start_app");
					await().atMost(WAIT).ignoreExceptions().until(() -> {
						this.rabbit.management("GET", "/overview", null);
						return TestServices.rabbitAnswers();
					});
				}
				RabbitTestClient afterRestart = new RabbitTestClient();
				try {
					Map<String, List<String>> sequences = new HashMap<>();
					int[] expected = { 0, 6, 7, 7 };
					for (int aggregate = 1; aggregate <= 3; aggregate++) {
						String id = Integer.toString(aggregate);
						sequences.put(id, afterRestart.take(queue(id), expected[aggregate], WAIT)
							.stream()
							.map((message) -> message.getProps().getHeaders().get("cloudEvents_sequence").toString())
							.toList());
					}
					assertThat(sequences.get("1")).containsExactly("2", "3", "4", "5", "6", "7");
					assertThat(sequences.get("2")).containsExactly("1", "2", "3", "4", "5", "6", "7");
					assertThat(sequences.get("3")).containsExactly("1", "2", "3", "4", "5", "6", "7");
					awaitAllRelayed(context);
				}
				finally {
					afterRestart.close();
				}
			}
			finally {
				deleteRows(context);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void twoRelaysOnOneTableKeepTheOrderOfEveryAggregate(Database database) {
		String service = "catalog-" + TestServices.randomSuffix();
		runner(database).withPropertyValues("eventsource.service-name=" + service).run((first) -> {
			runner(database).withPropertyValues("eventsource.service-name=" + service).run((second) -> {
				try {
					listen(first);
					int aggregates = 20;
					int perThread = 250;
					for (int i = 0; i < aggregates; i++) {
						id("a" + i);
					}
					// waves until both relays have held the lease and sent events (a fast
					// machine relays a whole wave in one pass of one relay)
					int waves = 0;
					while (waves == 0 || (waves < 10 && (relayed(first.getBean(MeterRegistry.class), "confirmed") == 0
							|| relayed(second.getBean(MeterRegistry.class), "confirmed") == 0))) {
						ExecutorService threads = Executors.newFixedThreadPool(4);
						List<Future<?>> done = new ArrayList<>();
						for (int t = 0; t < 4; t++) {
							EventPublisher publisher = ((t % 2 == 0) ? first : second).getBean(EventPublisher.class);
							int thread = t;
							done.add(threads.submit(() -> {
								for (int i = 0; i < perThread; i++) {
									publisher.publish(this.aggregateType, "a" + ((i * 7 + thread) % aggregates),
											new PriceChanged(i));
								}
							}));
						}
						for (Future<?> future : done) {
							future.get(2, TimeUnit.MINUTES);
						}
						threads.shutdown();
						awaitAllRelayed(first);
						waves++;
					}
					Map<String, Long> lastSequences = new JdbcTemplate(first.getBean(javax.sql.DataSource.class)).query(
							"SELECT aggregate_id, last_sequence FROM aggregate_sequences WHERE aggregate_type = ?",
							(rs) -> {
								Map<String, Long> last = new HashMap<>();
								while (rs.next()) {
									last.put(rs.getString(1), rs.getLong(2));
								}
								return last;
							}, this.aggregateType);
					assertThat(lastSequences.values().stream().mapToLong(Long::longValue).sum())
						.isEqualTo(4L * perThread * waves);
					for (Map.Entry<String, Long> aggregate : lastSequences.entrySet()) {
						List<Long> received = this.rabbit
							.take(queue(aggregate.getKey()), aggregate.getValue().intValue(), WAIT)
							.stream()
							.map((message) -> Long
								.parseLong(message.getProps().getHeaders().get("cloudEvents_sequence").toString()))
							.toList();
						assertThat(received).as("sequences of aggregate %s", aggregate.getKey())
							.containsExactlyElementsOf(
									java.util.stream.LongStream.rangeClosed(1, aggregate.getValue()).boxed().toList());
						assertThat(this.rabbit.get(queue(aggregate.getKey()))).isNull();
					}
					awaitAllRelayed(first);
					assertThat(relayed(first.getBean(MeterRegistry.class), "confirmed")).isPositive();
					assertThat(relayed(second.getBean(MeterRegistry.class), "confirmed")).isPositive();
				}
				finally {
					deleteRows(first);
				}
			});
		});
	}

	@Test
	void aDeletedQueueAndExchangeAreDeclaredAgainAndTheEventResent() {
		runner(Database.POSTGRESQL).run((context) -> {
			try {
				listen(context);
				EventPublisher publisher = context.getBean(EventPublisher.class);
				publisher.publish(this.aggregateType, id("1"), new PriceChanged(1));
				this.rabbit.take(queue("1"), 1, WAIT);
				this.rabbit.deleteQueue(queue("1"));
				await().atMost(WAIT)
					.until(() -> !this.rabbit
						.exchangeExists(PerAggregateNames.aggregateExchange(this.aggregateType, "1")));

				publisher.publish(this.aggregateType, id("1"), new PriceChanged(2));
				assertThat(this.rabbit.take(queue("1"), 1, WAIT)
					.get(0)
					.getProps()
					.getHeaders()
					.get("cloudEvents_sequence")).hasToString("2");
				awaitAllRelayed(context);
			}
			finally {
				deleteRows(context);
			}
		});
	}

	@Test
	void aReturnedEventIsDeclaredAgainAndResent() {
		runner(Database.POSTGRESQL).run((context) -> {
			try {
				listen(context);
				EventPublisher publisher = context.getBean(EventPublisher.class);
				publisher.publish(this.aggregateType, id("1"), new PriceChanged(1));
				this.rabbit.take(queue("1"), 1, WAIT);
				String exchange = PerAggregateNames.aggregateExchange(this.aggregateType, "1");
				this.rabbit.deleteQueue(queue("1"));
				await().atMost(WAIT).until(() -> !this.rabbit.exchangeExists(exchange));
				this.rabbit.withChannel((channel) -> channel.exchangeDeclare(exchange, "fanout", true, true, null));

				publisher.publish(this.aggregateType, id("1"), new PriceChanged(2));
				assertThat(this.rabbit.take(queue("1"), 1, WAIT)
					.get(0)
					.getProps()
					.getHeaders()
					.get("cloudEvents_sequence")).hasToString("2");
				assertThat(relayed(context.getBean(MeterRegistry.class), "returned")).isEqualTo(1);
				awaitAllRelayed(context);
			}
			finally {
				deleteRows(context);
			}
		});
	}

	@Test
	void aBusyAggregatesQueueIsRenewedWithoutWaitingAndOutlivesItsExpiry() {
		renewingRunner().run((context) -> {
			try {
				listen(context);
				EventPublisher publisher = context.getBean(EventPublisher.class);
				// no consumer: only the relay's renewals keep the queue past 3 s;
				// an event every 250 ms at most, each relayed before the next, 6 s
				long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
				int events = 0;
				while (System.nanoTime() - end < 0) {
					publisher.publish(this.aggregateType, id("1"), new PriceChanged(++events));
					await().pollDelay(Duration.ofMillis(250)).atMost(WAIT).until(() -> unrelayed(context) == 0);
				}
				assertThat(this.rabbit.take(queue("1"), events, WAIT))
					.extracting((message) -> message.getProps().getHeaders().get("cloudEvents_sequence").toString())
					.containsExactlyElementsOf(IntStream.rangeClosed(1, events).mapToObj(String::valueOf).toList());
				assertThat(declarations(context.getBean(MeterRegistry.class), "queue", "renew")).isPositive();
			}
			finally {
				deleteRows(context);
			}
		});
	}

	@Test
	void aQueueDeletedByHandWhileAnotherServicesKeepsTheExchangeIsBoundAgainByTheRenewal() {
		renewingRunner().run((context) -> {
			try {
				context.getBean(ServiceRegistry.class).heartbeat(this.listener, List.of(this.aggregateType));
				context.getBean(ServiceRegistry.class).heartbeat(this.otherListener, List.of(this.aggregateType));
				EventPublisher publisher = context.getBean(EventPublisher.class);
				String other = PerAggregateNames.aggregateQueue(this.aggregateType, id("1"), this.otherListener);
				publisher.publish(this.aggregateType, "1", new PriceChanged(1));
				this.rabbit.take(other, 1, WAIT);
				// the other service's binding keeps the exchange: nothing is returned
				this.rabbit.deleteQueue(queue("1"));
				// past the cache's time to live (500 ms at most), within its
				// trust (1.75 s)
				await().pollDelay(Duration.ofMillis(800))
					.atMost(WAIT)
					.until(() -> !this.rabbit.queueExists(queue("1")));
				// past the cache's time to live: the renewal binds it again
				publisher.publish(this.aggregateType, "1", new PriceChanged(2));
				this.rabbit.take(other, 1, WAIT);
				await().atMost(WAIT).until(() -> isBound("1"));
				publisher.publish(this.aggregateType, "1", new PriceChanged(3));
				this.rabbit.take(other, 1, WAIT);
				// event 2 may have reached the exchange before the binding;
				// event 3 cannot
				List<String> sequences = new ArrayList<>();
				await().atMost(WAIT).until(() -> {
					GetResponse message = this.rabbit.get(queue("1"));
					if (message != null) {
						sequences.add(message.getProps().getHeaders().get("cloudEvents_sequence").toString());
					}
					return sequences.contains("3");
				});
			}
			finally {
				deleteRows(context);
			}
		});
	}

	@Test
	void withNoLiveServiceTheEventIsMarkedRelayedAndNothingIsDeclared() {
		runner(Database.POSTGRESQL).run((context) -> {
			try {
				context.getBean(EventPublisher.class).publish(this.aggregateType, id("1"), new PriceChanged(1));
				awaitAllRelayed(context);
				assertThat(relayed(context.getBean(MeterRegistry.class), "no-subscribers")).isEqualTo(1);
				assertThat(this.rabbit.exchangeExists(PerAggregateNames.aggregateExchange(this.aggregateType, "1")))
					.isFalse();
				assertThat(this.rabbit.exchangeExists(PerAggregateNames.aggregateIdsExchange(this.aggregateType)))
					.isFalse();
			}
			finally {
				deleteRows(context);
			}
		});
	}

	/**
	 * A relay whose declarations are due for renewal after 375-500 ms and trusted for
	 * 1.75 s, with queues that expire after 3 s.
	 */
	private ApplicationContextRunner renewingRunner() {
		return runner(Database.POSTGRESQL).withPropertyValues("eventsource.per-aggregate.queue-expiry=3s",
				"eventsource.per-aggregate.declaration-cache-ttl=500ms");
	}

	private String id(String id) {
		this.aggregateIds.add(id);
		return id;
	}

	private String queue(String aggregateId) {
		return PerAggregateNames.aggregateQueue(this.aggregateType, aggregateId, this.listener);
	}

	private void listen(ApplicationContext context) {
		context.getBean(ServiceRegistry.class).heartbeat(this.listener, List.of(this.aggregateType));
	}

	private long unrelayed(ApplicationContext context) {
		Long count = new JdbcTemplate(context.getBean(javax.sql.DataSource.class)).queryForObject(
				"SELECT COUNT(*) FROM public_messages WHERE topic = ? AND relayed_at IS NULL", Long.class,
				this.aggregateType);
		return (count != null) ? count : 0;
	}

	private void awaitAllRelayed(ApplicationContext context) {
		await().atMost(WAIT).until(() -> unrelayed(context) == 0);
	}

	private double relayed(MeterRegistry meters, String outcome) {
		return counted(meters, "eventsource.relay.events", "outcome", outcome);
	}

	private double declarations(MeterRegistry meters, String kind, String mode) {
		return counted(meters, "eventsource.topology.declarations", "kind", kind, "mode", mode);
	}

	private double counted(MeterRegistry meters, String name, String... tags) {
		return meters.find(name)
			.tag("aggregate.type", this.aggregateType)
			.tags(tags)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private boolean isBound(String aggregateId) {
		String exchange = PerAggregateNames.aggregateExchange(this.aggregateType, aggregateId);
		return this.rabbit
			.management("GET",
					"/bindings/%2F/e/" + RabbitTestClient.encode(exchange) + "/q/"
							+ RabbitTestClient.encode(queue(aggregateId)),
					null)
			.contains("\"destination\"");
	}

	private void deleteRows(AssertableApplicationContext context) {
		JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
		TestCleanUp.deleteEvents(jdbc, this.aggregateType);
		context.getBean(org.springframework.data.redis.core.StringRedisTemplate.class)
			.delete("eventsource:services:" + this.aggregateType);
		assertThat(context.getBean(PublicMessageRepository.class)).isNotNull();
	}

	record ProductCreated(String sku, String title) {
	}

	record PriceChanged(int price) {
	}

}
