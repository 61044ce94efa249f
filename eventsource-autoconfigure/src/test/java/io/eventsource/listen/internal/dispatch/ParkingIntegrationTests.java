package io.eventsource.listen.internal.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.rabbitmq.client.AMQP;
import io.eventsource.actuate.internal.EventSourceEndpoint;
import io.eventsource.actuate.internal.EventSourceHealthIndicator;
import io.eventsource.autoconfigure.EventSourceEndpointAutoConfiguration;
import io.eventsource.autoconfigure.EventSourceHealthContributorAutoConfiguration;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.envelope.internal.CloudEventsAmqpBinding;
import io.eventsource.faults.FaultReport;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.internal.dispatch.ParkedEventOperations.RetryResult;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.store.internal.ParkedEventRepository.ParkedEvent;
import io.eventsource.store.internal.ParkedPayload;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.FastTimings;
import io.eventsource.test.JdbcProjection;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestTopology;
import io.eventsource.topology.PerAggregateNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retries with back-off, parking after the last attempt, later events parked behind in
 * order, and the way out (retry, skip), on the real broker and databases.
 */
class ParkingIntegrationTests {

	static final String AGGREGATE_TYPE = "ParkingTestAccount";

	private final String prefix = TestServices.randomSuffix() + "-";

	private ApplicationContextRunner runner(Database database, TestTopology topology, String service) {
		return EventSourceContexts.fastRunner(database, topology, service)
			.withConfiguration(AutoConfigurations.of(EventSourceEndpointAutoConfiguration.class,
					EventSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues(FastTimings.RETRIES)
			.withPropertyValues("eventsource.listener.retry.max-attempts=6",
					"eventsource.listener.retry.projections.ledger.max-attempts=3",
					"eventsource.listener.retry.projections.ledger.initial-delay=50ms",
					"eventsource.listener.max-payload-size=2KB",
					"management.endpoints.web.exposure.include=eventsource");
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withDatabases")
	void aFailingEventIsParkedAfterItsLastAttemptWithTheLaterOnesOfItsAggregateBehindItUntilRetried(Database database,
			TestTopology topology) {
		String service = "accounts-" + TestServices.randomSuffix();
		Ledger ledger = new Ledger();
		String broken = this.prefix + "broken";
		String healthy = this.prefix + "healthy";
		withAccounts(database, topology, service, ledger, (context, jdbc, publisher) -> {
			publisher.publish(AGGREGATE_TYPE, broken, new Deposited(1));
			ledger.failing.add(2);
			EventMetadata failing = publisher.publish(AGGREGATE_TYPE, broken, new Deposited(2));
			publisher.publish(AGGREGATE_TYPE, broken, new Deposited(3));
			publisher.publish(AGGREGATE_TYPE, healthy, new Deposited(10));
			publisher.publish(AGGREGATE_TYPE, healthy, new Deposited(11));
			await().atMost(Duration.ofSeconds(30)).until(() -> parkedSequences(jdbc, service, broken).size() == 2);
			publisher.publish(AGGREGATE_TYPE, broken, new Deposited(4));
			await().atMost(Duration.ofSeconds(30)).until(() -> parkedSequences(jdbc, service, broken).size() == 3);
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(healthy).size() == 2);
			assertThat(ledger.applied(broken)).containsExactly(1);
			assertThat(ledger.attempts(2)).isEqualTo(3);
			assertThat(parkedSequences(jdbc, service, broken)).containsExactly(2L, 3L, 4L);
			Map<String, Object> ack = jdbc.queryForMap(
					"SELECT status, attempts, last_error FROM message_acks WHERE message_id = ? AND service = ?",
					failing.eventId().toString(), service);
			assertThat(ack.get("status")).isEqualTo("parked");
			assertThat(((Number) ack.get("attempts")).intValue()).isEqualTo(3);
			assertThat((String) ack.get("last_error")).contains("IllegalStateException").contains("declined");
			assertThat(statuses(jdbc, service, broken)).containsEntry(3L, "parked").containsEntry(4L, "parked");
			Health health = context.getBean(EventSourceHealthIndicator.class).health(true);
			assertThat(health.getDetails().get("listener")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("parked", Map.of("ledger", 3L));
			Map<String, Object> report = context.getBean(EventSourceEndpoint.class).report();
			assertThat((List<?>) report.get("parked")).hasSize(3);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("eventsource.parked.events").tag("projection", "ledger").gauge().value())
				.isEqualTo(3);
			assertThat(meters.get("eventsource.listener.retries").tag("projection", "ledger").counter().count())
				.isEqualTo(2);
			assertThat(context.getBean(EventDispatcher.class).failingProjections(AGGREGATE_TYPE, broken)).isEmpty();

			ledger.failing.clear();
			RetryResult result = context.getBean(EventSourceEndpoint.class).retry("ledger", AGGREGATE_TYPE, broken);
			assertThat(result).isEqualTo(new RetryResult(3, 0, null));
			assertThat(ledger.applied(broken)).containsExactly(1, 2, 3, 4);
			assertThat(parkedSequences(jdbc, service, broken)).isEmpty();
			assertThat(statuses(jdbc, service, broken).values()).containsOnly("ok");
			await().atMost(Duration.ofSeconds(15))
				.until(() -> meters.get("eventsource.parked.events").tag("projection", "ledger").gauge().value() == 0);
			publisher.publish(AGGREGATE_TYPE, broken, new Deposited(5));
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(broken).size() == 5);
			assertThat(ledger.applied(broken)).containsExactly(1, 2, 3, 4, 5);
			FaultReport.record("one aggregate's handler failing (" + database + ", " + topology + ")", 7,
					ledger.applied(broken).size() + ledger.applied(healthy).size(),
					FaultReport.consumed(context, "duplicate"), 3, "the endpoint's retry applied it in order");
		}, broken, healthy);
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withTheOtherDatabases")
	void aPayloadThatDoesNotBindIsParkedAtOnceAndSkippingItReleasesTheRest(Database database, TestTopology topology) {
		String service = "accounts-" + TestServices.randomSuffix();
		Ledger ledger = new Ledger();
		String aggregate = this.prefix + "unreadable";
		withAccounts(database, topology, service, ledger, (context, jdbc, publisher) -> {
			// the producer's Deposited has a text amount: the consumer's class cannot
			// bind it
			EventMetadata unreadable = publisher.publish(AGGREGATE_TYPE, aggregate, new ProducerDeposited("a lot"),
					PublishOptions.defaults());
			publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(2));
			await().atMost(Duration.ofSeconds(30)).until(() -> parkedSequences(jdbc, service, aggregate).size() == 2);
			Map<String, Object> ack = jdbc.queryForMap(
					"SELECT status, attempts, last_error FROM message_acks WHERE message_id = ? AND service = ?",
					unreadable.eventId().toString(), service);
			assertThat(ack.get("status")).isEqualTo("parked");
			assertThat(((Number) ack.get("attempts")).intValue()).isEqualTo(1);
			assertThat((String) ack.get("last_error")).contains("EventPayloadException");

			RetryResult result = context.getBean(EventSourceEndpoint.class)
				.skip("ledger", unreadable.eventId().toString());
			assertThat(result).isEqualTo(new RetryResult(1, 0, null));
			assertThat(ledger.applied(aggregate)).containsExactly(2);
			assertThat(statuses(jdbc, service, aggregate)).containsEntry(1L, "skipped").containsEntry(2L, "ok");
			assertThat(parkedSequences(jdbc, service, aggregate)).isEmpty();
		}, aggregate);
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withDatabases")
	void badMessagesAreParkedAtOnceWithTheirReasonAndTheConsumerKeepsRunning(Database database, TestTopology topology) {
		String service = "accounts-" + TestServices.randomSuffix();
		Ledger ledger = new Ledger();
		String aggregate = this.prefix + "bad";
		withAccounts(database, topology, service, ledger, (context, jdbc, publisher) -> {
			publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(1));
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 1);
			String queue = topology.queueOf(AGGREGATE_TYPE, aggregate, service);
			try (RabbitTestClient rabbit = new RabbitTestClient()) {
				rabbit.withChannel((channel) -> {
					channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().messageId("not-a-uuid").build(),
							"{\"amount\": 7}".getBytes(StandardCharsets.UTF_8));
					channel.basicPublish("", queue,
							new AMQP.BasicProperties.Builder().headers(Map.of("cloudEvents_id", "x")).build(),
							"not json at all".getBytes(StandardCharsets.UTF_8));
				});
			}
			// over the size limit, and a payload naming a class to instantiate
			EventMetadata oversized = publisher.publish(AGGREGATE_TYPE, aggregate,
					new ProducerDepositedWithNote(2, "x".repeat(4096)));
			publisher.publish(AGGREGATE_TYPE, aggregate, new ProducerDepositedWithClass(3, Gadget.class.getName(),
					Map.of("@class", Gadget.class.getName())));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> reasons(jdbc, service, EventDispatcher.MALFORMED).size() == 2);
			assertThat(reasons(jdbc, service, EventDispatcher.MALFORMED))
				.allSatisfy((reason) -> assertThat(reason).startsWith("Not an eventsource event"));
			await().atMost(Duration.ofSeconds(30)).until(() -> parkedSequences(jdbc, service, aggregate).size() == 2);
			assertThat(reasons(jdbc, service, "ledger")).first().asString().contains("over the limit");
			assertThat(jdbc.queryForObject("SELECT attempts FROM message_acks WHERE message_id = ? AND service = ?",
					Integer.class, oversized.eventId().toString(), service))
				.isEqualTo(1);
			assertThat(Gadget.instances).hasValue(0);

			RetryResult skipped = context.getBean(EventSourceEndpoint.class)
				.skip("ledger", oversized.eventId().toString());
			assertThat(skipped.left()).isZero();
			assertThat(ledger.applied(aggregate)).containsExactly(1, 3);
			assertThat(Gadget.instances).hasValue(0);
			for (Map<String, Object> malformed : jdbc.queryForList(
					"SELECT message_id FROM parked_events WHERE service = ? AND projection = ?", service,
					EventDispatcher.MALFORMED)) {
				context.getBean(EventSourceEndpoint.class)
					.skip(EventDispatcher.MALFORMED, (String) malformed.get("message_id"));
			}
			assertThat(reasons(jdbc, service, EventDispatcher.MALFORMED)).isEmpty();
			publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(4));
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 3);
		}, aggregate);
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withTheOtherDatabases")
	void anEventWhosePayloadIsNotTextIsParkedWithItsBytesAndCanBeSkipped(Database database, TestTopology topology) {
		String service = "accounts-" + TestServices.randomSuffix();
		Ledger ledger = new Ledger();
		String aggregate = this.prefix + "binary";
		withAccounts(database, topology, service, ledger, (context, jdbc, publisher) -> {
			publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(1));
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 1);
			// the next event of the aggregate, well-formed but for its payload: NUL bytes
			// and invalid UTF-8, which PostgreSQL's TEXT refuses
			byte[] payload = { '{', 0, '"', (byte) 0xFF, (byte) 0xC3, '(', '"', ':', 0, '}' };
			EventMetadata forged = new EventMetadata(UUID.randomUUID(), AGGREGATE_TYPE, aggregate, 2, "Deposited",
					Instant.now(), UUID.randomUUID().toString(), null, "forger", Map.of());
			try (RabbitTestClient rabbit = new RabbitTestClient()) {
				rabbit.withChannel((channel) -> {
					channel.basicPublish("", topology.queueOf(AGGREGATE_TYPE, aggregate, service),
							new AMQP.BasicProperties.Builder().messageId(forged.eventId().toString())
								.contentType(CloudEventsAmqpBinding.CONTENT_TYPE)
								.headers(CloudEventsAmqpBinding.toHeaders(forged))
								.build(),
							payload);
					if (topology == TestTopology.PER_AGGREGATE) {
						// in case the consumer of the aggregate's queue was cancelled as
						// idle
						channel.basicPublish("", PerAggregateNames.aggregateIdsQueue(AGGREGATE_TYPE, service), null,
								aggregate.getBytes(StandardCharsets.UTF_8));
					}
				});
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> parkedSequences(jdbc, service, aggregate).size() == 1);
			ParkedEvent parked = context.getBean(ParkedEventOperations.class).list(10).get(0);
			assertThat(parked.metadata().eventId()).isEqualTo(forged.eventId());
			assertThat(parked.payload().encoding()).isEqualTo(ParkedPayload.Encoding.BASE64);
			assertThat(parked.payload().bytes()).isEqualTo(payload);
			Map<String, Object> ack = jdbc.queryForMap(
					"SELECT status, attempts, last_error FROM message_acks WHERE message_id = ? AND service = ?",
					forged.eventId().toString(), service);
			assertThat(ack.get("status")).isEqualTo("parked");
			assertThat((String) ack.get("last_error")).contains("EventPayloadException").doesNotContain("\u0000");

			RetryResult skipped = context.getBean(EventSourceEndpoint.class)
				.skip("ledger", forged.eventId().toString());
			assertThat(skipped.left()).isZero();
			assertThat(parkedSequences(jdbc, service, aggregate)).isEmpty();
			assertThat(ledger.applied(aggregate)).containsExactly(1);
		}, aggregate);
	}

	private static List<String> reasons(JdbcTemplate jdbc, String service, String projection) {
		return jdbc.queryForList(
				"SELECT reason FROM parked_events WHERE service = ? AND projection = ? " + "ORDER BY sequence",
				String.class, service, projection);
	}

	/**
	 * Runs a test against an accounts service with a ledger, consuming, and deletes what
	 * it left afterwards.
	 */
	private void withAccounts(Database database, TestTopology topology, String service, Ledger ledger,
			AccountsTest test, String... aggregateIds) {
		runner(database, topology, service).withBean(Ledger.class, () -> ledger)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				Ledger.createTable(jdbc, database);
				try {
					awaitConsuming(context);
					test.run(context, jdbc, context.getBean(EventPublisher.class));
				}
				finally {
					cleanUp(context, jdbc, topology, service, aggregateIds);
				}
			});
	}

	@FunctionalInterface
	interface AccountsTest {

		void run(ApplicationContext context, JdbcTemplate jdbc, EventPublisher publisher) throws Exception;

	}

	private static void awaitConsuming(ApplicationContext context) {
		TestTopology.awaitConsuming(context);
	}

	private static List<Long> parkedSequences(JdbcTemplate jdbc, String service, String aggregateId) {
		return jdbc.queryForList(
				"SELECT sequence FROM parked_events WHERE service = ? AND projection = 'ledger' "
						+ "AND aggregate_type = ? AND aggregate_id = ? ORDER BY sequence",
				Long.class, service, AGGREGATE_TYPE, aggregateId);
	}

	private static Map<Long, String> statuses(JdbcTemplate jdbc, String service, String aggregateId) {
		Map<Long, String> statuses = new java.util.TreeMap<>();
		jdbc.query("SELECT sequence, status FROM message_acks WHERE service = ? AND aggregate_type = ? "
				+ "AND aggregate_id = ?", (rs) -> {
					statuses.put(rs.getLong(1), rs.getString(2));
				}, service, AGGREGATE_TYPE, aggregateId);
		return statuses;
	}

	private void cleanUp(ApplicationContext context, JdbcTemplate jdbc, TestTopology topology, String service,
			String... aggregateIds) {
		jdbc.update("DELETE FROM parking_test_applied WHERE aggregate_id LIKE ?", this.prefix + "%");
		TestCleanUp.deleteService(context, jdbc, topology, AGGREGATE_TYPE, service, List.of(aggregateIds),
				this.prefix + "%");
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record Deposited(int amount) {
	}

	/**
	 * What a producer with another version of the event class publishes: the same event
	 * type name, a payload the consumer's class cannot bind.
	 */
	@EventType(name = "Deposited", aggregate = AGGREGATE_TYPE)
	record ProducerDeposited(String amount) {
	}

	/**
	 * A producer's event with a large note the consumer's class does not have.
	 */
	@EventType(name = "Deposited", aggregate = AGGREGATE_TYPE)
	record ProducerDepositedWithNote(int amount, String note) {
	}

	/**
	 * A producer's event whose payload names a class, as a polymorphic-typing gadget
	 * payload would.
	 */
	@EventType(name = "Deposited", aggregate = AGGREGATE_TYPE)
	record ProducerDepositedWithClass(int amount, @JsonProperty("@class") String type, Map<String, String> detail) {
	}

	/**
	 * A class that must never be instantiated by the listener.
	 */
	public static class Gadget {

		static final AtomicInteger instances = new AtomicInteger();

		public Gadget() {
			instances.incrementAndGet();
		}

	}

	/**
	 * Writes each deposit it applies to a table, in the listener's transaction, so that
	 * only committed effects count.
	 */
	static class Ledger extends JdbcProjection {

		final Set<Integer> failing = ConcurrentHashMap.newKeySet();

		private final Map<Integer, Integer> attempts = new ConcurrentHashMap<>();

		@EventSourceListener(projection = "ledger")
		void deposited(Deposited event, EventMetadata metadata) {
			this.attempts.merge(event.amount(), 1, Integer::sum);
			if (this.failing.contains(event.amount())) {
				throw new IllegalStateException("Deposit " + event.amount() + " declined");
			}
			this.jdbc.update("INSERT INTO parking_test_applied (aggregate_id, amount) VALUES (?, ?)",
					metadata.aggregateId(), event.amount());
		}

		List<Integer> applied(String aggregateId) {
			return this.jdbc.queryForList("SELECT amount FROM parking_test_applied WHERE aggregate_id = ? ORDER BY id",
					Integer.class, aggregateId);
		}

		int attempts(int amount) {
			return this.attempts.getOrDefault(amount, 0);
		}

		static void createTable(JdbcTemplate jdbc, Database database) {
			jdbc.execute("CREATE TABLE IF NOT EXISTS parking_test_applied ("
					+ ((database == Database.POSTGRESQL) ? "id BIGSERIAL PRIMARY KEY"
							: "id BIGINT AUTO_INCREMENT PRIMARY KEY")
					+ ", aggregate_id VARCHAR(128) NOT NULL, amount INT NOT NULL)");
		}

	}

}
