package io.eventsource.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.publish.EventPublisher;
import io.eventsource.replay.internal.ReplayResponder;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.store.internal.StoredEvent;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.FastTimings;
import io.eventsource.test.JdbcProjection;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestTopology;
import io.eventsource.topology.PerAggregateNames;
import io.eventsource.topology.internal.EventMessages;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.function.ThrowingConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event from the future: a well-formed event of a real aggregate type, with the
 * CloudEvents headers the relay writes, whose sequence is far past its aggregate's
 * stream, sent with the plain RabbitMQ client straight into the listening service's
 * queue. No producer's log holds it, so it must not wait (and ask for the events before
 * it) for ever, nor be applied in place of the real event of its sequence: it is parked
 * under {@code (malformed)}, the requests stop, its queue is settled, and the real events
 * of its aggregate go on. So on an aggregate that moves on every 200 ms, where the forged
 * event is only a few sequences ahead: the real event of its sequence is applied. An
 * event given up because no producer answered may be real: a catch-up brings it back once
 * its producer answers.
 */
class FutureEventTests {

	/**
	 * An aggregate type only this test uses: no other test's listener applies its events.
	 */
	static final String AGGREGATE_TYPE = "FutureTestOrder";

	private static final long FUTURE = 1_000_000;

	private static final String[] LISTENER_PROPERTIES = { "eventsource.relay.enabled=false",
			"eventsource.replay.gap-timeout=500ms", "eventsource.replay.max-unanswered-requests=3" };

	private final String prefix = TestServices.randomSuffix() + "-";

	private final JsonMapper json = JsonMapper.builder().build();

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void anEventTheProducersLogDoesNotHoldIsParkedAndTheRequestsStop(TestTopology topology) {
		Database database = Database.POSTGRESQL;
		String orders = "orders-" + TestServices.randomSuffix();
		String billing = "billing-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "0";
		EventSourceContexts.runner(database, orders)
			.withPropertyValues(FastTimings.PROPERTIES)
			.withPropertyValues(topology.properties())
			.withPropertyValues("eventsource.listener.enabled=false")
			.run((producer) -> {
				JdbcTemplate jdbc = new JdbcTemplate(producer.getBean(DataSource.class));
				Ledger.createTable(jdbc);
				try {
					listener(database, topology, billing).run((listener) -> {
						TestTopology.awaitConsuming(listener);
						EventPublisher publisher = producer.getBean(EventPublisher.class);
						for (int n = 1; n <= 4; n++) {
							publisher.publish(AGGREGATE_TYPE, aggregate, new OrderPlaced(n));
						}
						await().atMost(Duration.ofSeconds(30))
							.until(() -> applied(jdbc, aggregate), (applied) -> applied.size() == 4);

						UUID forged = sendFromTheFuture(topology, billing, aggregate, orders, false);
						List<Map<String, Object>> parked = awaitParked(jdbc, billing, forged);
						assertThat((String) parked.get(0).get("reason")).startsWith("Not in the producer's log")
							.contains("the log of " + AGGREGATE_TYPE + "-" + aggregate)
							.contains("ends at #4");
						assertThat(applied(jdbc, aggregate)).containsExactly(1L, 2L, 3L, 4L);
						double requests = awaitRequestsStopped(listener);
						assertThat(requests).as("replay requests").isPositive();
						awaitSettled(topology.queueOf(AGGREGATE_TYPE, aggregate, billing));

						// parked away from the position: the real #5 is applied
						publisher.publish(AGGREGATE_TYPE, aggregate, new OrderPlaced(5));
						await().atMost(Duration.ofSeconds(30))
							.until(() -> applied(jdbc, aggregate), (applied) -> applied.size() == 5);
						assertThat(applied(jdbc, aggregate)).containsExactly(1L, 2L, 3L, 4L, 5L);
						assertThat(parked(jdbc, billing)).hasSize(1);
						FaultReport.record("an event from the future, not in the producer's log (" + topology + ")", 5,
								applied(jdbc, aggregate).size(), FaultReport.consumed(listener, "duplicate"), 1,
								"parked as not in the log after " + (int) requests + " requests; later events applied");
					});
				}
				finally {
					cleanUp(producer, jdbc, topology, billing, List.of(aggregate));
				}
			});
	}

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void anEventNoProducerAnswersForIsParkedAfterTheUnansweredRequests(TestTopology topology) {
		Database database = Database.POSTGRESQL;
		String billing = "billing-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "nobody";
		// the listener publishes the real events itself, later; no event is given up for
		// no
		// answer without the periodic catch-up
		listener(database, topology, billing)
			.withPropertyValues("eventsource.relay.enabled=true", "eventsource.replay.catch-up-interval=10m",
					"eventsource.replay.catch-up-from=now")
			.run((listener) -> {
				JdbcTemplate jdbc = new JdbcTemplate(listener.getBean(DataSource.class));
				Ledger.createTable(jdbc);
				try {
					TestTopology.awaitConsuming(listener);
					// no log holds the aggregate, and its source is no service
					UUID forged = sendFromTheFuture(topology, billing, aggregate,
							"nobody-" + TestServices.randomSuffix(), true);
					List<Map<String, Object>> parked = awaitParked(jdbc, billing, forged);
					assertThat((String) parked.get(0).get("reason"))
						.startsWith("No producer answered: 3 requests for the events before it in " + AGGREGATE_TYPE
								+ "-" + aggregate);
					// and a catch-up of the type was asked for: the listener's own log
					// answered it
					await().atMost(Duration.ofSeconds(30)).until(() -> cursors(jdbc, billing).contains(billing));
					double requests = awaitRequestsStopped(listener);
					assertThat(requests).as("replay requests").isGreaterThanOrEqualTo(3);
					awaitSettled(topology.queueOf(AGGREGATE_TYPE, aggregate, billing));

					EventPublisher publisher = listener.getBean(EventPublisher.class);
					publisher.publish(AGGREGATE_TYPE, aggregate, new OrderPlaced(1));
					publisher.publish(AGGREGATE_TYPE, aggregate, new OrderPlaced(2));
					await().atMost(Duration.ofSeconds(30))
						.until(() -> applied(jdbc, aggregate), (applied) -> applied.size() == 2);
					assertThat(applied(jdbc, aggregate)).containsExactly(1L, 2L);
					FaultReport.record("an event from the future, no producer answers (" + topology + ")", 2,
							applied(jdbc, aggregate).size(), FaultReport.consumed(listener, "duplicate"), 1,
							"parked after " + (int) requests + " unanswered requests; later events applied");
				}
				finally {
					cleanUp(listener, jdbc, topology, billing, List.of(aggregate));
				}
			});
	}

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void aForgedEventAFewSequencesAheadOfABusyAggregateIsParkedAndTheRealOneApplied(TestTopology topology) {
		Database database = Database.POSTGRESQL;
		String orders = "orders-" + TestServices.randomSuffix();
		String billing = "billing-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "busy";
		int total = 40;
		EventSourceContexts.runner(database, orders)
			.withPropertyValues(FastTimings.PROPERTIES)
			.withPropertyValues(topology.properties())
			.withPropertyValues("eventsource.listener.enabled=false")
			.run((producer) -> {
				JdbcTemplate jdbc = new JdbcTemplate(producer.getBean(DataSource.class));
				Ledger.createTable(jdbc);
				try {
					listener(database, topology, billing).run((listener) -> {
						TestTopology.awaitConsuming(listener);
						EventPublisher publisher = producer.getBean(EventPublisher.class);
						AtomicInteger published = new AtomicInteger();
						// an event every 200 ms: the projection moves on more often than
						// the gap timeout (500 ms)
						CompletableFuture<Void> load = PacedLoad.start(total, Duration.ofMillis(200), (run) -> {
							publisher.publish(AGGREGATE_TYPE, aggregate, new OrderPlaced(run + 1));
							published.incrementAndGet();
						});
						await().atMost(Duration.ofSeconds(30)).until(() -> applied(jdbc, aggregate).size() >= 5);
						// about 3 s ahead of the stream
						long sequence = published.get() + 15;
						UUID forged = sendFromTheFuture(topology, billing, aggregate, orders, false, sequence);
						load.get(60, TimeUnit.SECONDS);
						await().atMost(Duration.ofSeconds(60))
							.until(() -> applied(jdbc, aggregate), (applied) -> applied.size() >= total);
						assertThat(applied(jdbc, aggregate))
							.containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
						List<Map<String, Object>> parked = awaitParked(jdbc, billing, forged);
						assertThat((String) parked.get(0).get("reason")).startsWith("Not in the producer's log");
						// the real event of that sequence was applied, not passed as a
						// duplicate of the forged one
						String real = jdbc.queryForObject(
								"SELECT message_id FROM public_messages WHERE topic = ? AND aggregate_id = ? "
										+ "AND sequence = ?",
								String.class, AGGREGATE_TYPE, aggregate, sequence);
						assertThat(jdbc.queryForList(
								"SELECT message_id FROM message_acks WHERE service = ? AND projection = 'ledger' "
										+ "AND aggregate_id = ? AND sequence = ? AND status = 'ok'",
								String.class, billing, aggregate, sequence))
							.containsExactly(real);
						awaitSettled(topology.queueOf(AGGREGATE_TYPE, aggregate, billing));
						FaultReport.record("a forged event 15 ahead of a busy aggregate (" + topology + ")", total,
								applied(jdbc, aggregate).size(), FaultReport.consumed(listener, "duplicate"), 1,
								"parked as not in the log; the real event of its sequence applied");
					});
				}
				finally {
					cleanUp(producer, jdbc, topology, billing, List.of(aggregate));
				}
			});
	}

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void aRealEventGivenUpForNoAnswerComesBackWithACatchUpOnceItsProducerAnswers(TestTopology topology) {
		Database database = Database.POSTGRESQL;
		String orders = "orders-" + TestServices.randomSuffix();
		String billing = "billing-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "down";
		// the producer's log in a database of its own, as deployed: the listener's
		// replay responder (and any other test's) holds nothing of it
		withSchemaOfItsOwn((producerDatabase) -> EventSourceContexts.runner(TestServices.properties(database), orders)
			.withPropertyValues("spring.datasource.url=" + producerDatabase)
			.withPropertyValues(FastTimings.PROPERTIES)
			.withPropertyValues(topology.properties())
			// the test relays by hand: only #2 reaches the listener
			.withPropertyValues("eventsource.listener.enabled=false", "eventsource.relay.enabled=false",
					"eventsource.replay.catch-up-horizon=1s")
			.run((producer) -> {
				JdbcTemplate producerJdbc = new JdbcTemplate(producer.getBean(DataSource.class));
				listener(database, topology, billing)
					// the catch-up after startup sets its cursor in the producer's log;
					// its
					// second run, after the horizon, comes after the test
					.withPropertyValues("eventsource.replay.catch-up-on-start=true",
							"eventsource.replay.catch-up-from=now", "eventsource.replay.catch-up-horizon=1m",
							"eventsource.replay.catch-up-interval=10m")
					.run((listener) -> {
						JdbcTemplate jdbc = new JdbcTemplate(listener.getBean(DataSource.class));
						Ledger.createTable(jdbc);
						try {
							TestTopology.awaitConsuming(listener);
							// the catch-up after startup set the listener's cursor in the
							// producer's log: no other catch-up runs until the one asked
							// for
							await().atMost(Duration.ofSeconds(30)).until(() -> cursors(jdbc, billing).contains(orders));
							ReplayResponder responder = producer.getBean(ReplayResponder.class);
							responder.stop();
							EventPublisher publisher = producer.getBean(EventPublisher.class);
							publisher.publish(AGGREGATE_TYPE, aggregate, new OrderPlaced(1));
							publisher.publish(AGGREGATE_TYPE, aggregate, new OrderPlaced(2));
							producerJdbc
								.update("UPDATE public_messages SET relayed_at = CURRENT_TIMESTAMP WHERE topic = ? "
										+ "AND aggregate_id = ?", AGGREGATE_TYPE, aggregate);
							StoredEvent second = producer.getBean(PublicMessageRepository.class)
								.findByAggregate(AGGREGATE_TYPE, aggregate, 2, 2, 1)
								.get(0);
							// the relay would declare the per-aggregate queue first
							send(topology, billing, second.envelope(), true);
							List<Map<String, Object>> parked = awaitParked(jdbc, billing,
									second.envelope().metadata().eventId());
							assertThat((String) parked.get(0).get("reason")).startsWith("No producer answered");
							assertThat(applied(jdbc, aggregate)).isEmpty();
							// the producer is back: the catch-up asked for brings #2
							responder.start();
							await().atMost(Duration.ofSeconds(30))
								.until(() -> applied(jdbc, aggregate), (applied) -> applied.size() >= 2);
							assertThat(applied(jdbc, aggregate)).containsExactly(1L, 2L);
							FaultReport.record("a real event given up for no answer (" + topology + ")", 2,
									applied(jdbc, aggregate).size(), FaultReport.consumed(listener, "duplicate"), 1,
									"parked while its producer was down; a catch-up brought it back");
						}
						finally {
							cleanUp(listener, jdbc, topology, billing, List.of(aggregate));
						}
					});
			}));
	}

	@Test
	void anEventGivenUpThatCannotBeParkedIsDroppedAfterItsAttempts() {
		TestTopology topology = TestTopology.PER_AGGREGATE;
		Database database = Database.POSTGRESQL;
		String orders = "orders-" + TestServices.randomSuffix();
		String billing = "billing-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "unparkable";
		EventSourceContexts.runner(database, orders)
			.withPropertyValues(FastTimings.PROPERTIES)
			.withPropertyValues(topology.properties())
			.withPropertyValues("eventsource.listener.enabled=false")
			.run((producer) -> {
				JdbcTemplate jdbc = new JdbcTemplate(producer.getBean(DataSource.class));
				Ledger.createTable(jdbc);
				String trigger = "refuse_parking_" + TestServices.randomSuffix().replace('-', '_');
				try {
					listener(database, topology, billing)
						.withPropertyValues("eventsource.listener.retry.initial-delay=200ms",
								"eventsource.listener.retry.max-delay=1s")
						.run((listener) -> {
							TestTopology.awaitConsuming(listener);
							EventPublisher publisher = producer.getBean(EventPublisher.class);
							publisher.publish(AGGREGATE_TYPE, aggregate, new OrderPlaced(1));
							await().atMost(Duration.ofSeconds(30))
								.until(() -> applied(jdbc, aggregate), (applied) -> applied.size() == 1);
							refuseParking(jdbc, trigger, billing);
							sendFromTheFuture(topology, billing, aggregate, orders, false);
							// tried again on the same delivery, so its attempts end
							MeterRegistry meters = listener.getBean(MeterRegistry.class);
							await().atMost(Duration.ofSeconds(60))
								.until(() -> meters.find("eventsource.messages.dropped")
									.tag("reason", "parking-failed")
									.counters()
									.stream()
									.mapToDouble((counter) -> counter.count())
									.sum() == 1);
							awaitSettled(topology.queueOf(AGGREGATE_TYPE, aggregate, billing));
							assertThat(parked(jdbc, billing)).isEmpty();
							publisher.publish(AGGREGATE_TYPE, aggregate, new OrderPlaced(2));
							await().atMost(Duration.ofSeconds(30))
								.until(() -> applied(jdbc, aggregate), (applied) -> applied.size() == 2);
							assertThat(applied(jdbc, aggregate)).containsExactly(1L, 2L);
						});
				}
				finally {
					allowParking(jdbc, trigger);
					cleanUp(producer, jdbc, topology, billing, List.of(aggregate));
				}
			});
	}

	/**
	 * Fails every insert of a service's rows into {@code parked_events} with an error
	 * that is not about their content.
	 */
	private static void refuseParking(JdbcTemplate jdbc, String trigger, String service) {
		jdbc.execute("CREATE FUNCTION " + trigger + "() RETURNS trigger AS $$ BEGIN IF NEW.service = '" + service
				+ "' THEN RAISE EXCEPTION 'failed by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
		jdbc.execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON parked_events FOR EACH ROW EXECUTE FUNCTION "
				+ trigger + "()");
	}

	private static void allowParking(JdbcTemplate jdbc, String trigger) {
		jdbc.execute("DROP TRIGGER IF EXISTS " + trigger + " ON parked_events");
		jdbc.execute("DROP FUNCTION IF EXISTS " + trigger + "()");
	}

	/**
	 * Runs a test with a PostgreSQL schema of its own, dropped afterwards.
	 * @param test given the JDBC URL of the schema
	 */
	private static void withSchemaOfItsOwn(ThrowingConsumer<String> test) {
		String schema = "future_" + TestServices.randomSuffix().replace('-', '_');
		SimpleDriverDataSource admin = new SimpleDriverDataSource(new org.postgresql.Driver(),
				TestServices.jdbcUrl(Database.POSTGRESQL), TestServices.username(Database.POSTGRESQL), "");
		JdbcTemplate jdbc = new JdbcTemplate(admin);
		jdbc.execute("CREATE SCHEMA " + schema);
		try {
			test.accept(TestServices.jdbcUrl(Database.POSTGRESQL) + "?currentSchema=" + schema);
		}
		finally {
			jdbc.execute("DROP SCHEMA " + schema + " CASCADE");
		}
	}

	/**
	 * Returns the producers a service has a catch-up cursor in, for the test's aggregate
	 * type.
	 */
	private static List<String> cursors(JdbcTemplate jdbc, String service) {
		String prefix = service + "/" + AGGREGATE_TYPE + "/";
		return jdbc
			.queryForList("SELECT consumer_name FROM message_consumer_state WHERE consumer_name LIKE ?", String.class,
					prefix + "%")
			.stream()
			.map((name) -> name.substring(prefix.length()))
			.toList();
	}

	private ApplicationContextRunner listener(Database database, TestTopology topology, String service) {
		return EventSourceContexts.runner(database, service)
			.withPropertyValues(FastTimings.PROPERTIES)
			.withPropertyValues(topology.properties())
			.withPropertyValues(LISTENER_PROPERTIES)
			.withBean(Ledger.class, Ledger::new)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
	}

	/**
	 * Sends an event of an aggregate with sequence {@value #FUTURE} into the listening
	 * service's queue of the aggregate, as the relay would send it, with the plain
	 * client; on the per-aggregate topology, declares the queue where it is not there yet
	 * and announces the aggregate, as the relay does.
	 * @return the event's id
	 */
	private UUID sendFromTheFuture(TestTopology topology, String service, String aggregate, String source,
			boolean declare) {
		return sendFromTheFuture(topology, service, aggregate, source, declare, FUTURE);
	}

	private UUID sendFromTheFuture(TestTopology topology, String service, String aggregate, String source,
			boolean declare, long sequence) {
		UUID id = UUID.randomUUID();
		EventMetadata metadata = new EventMetadata(id, AGGREGATE_TYPE, aggregate, sequence, "OrderPlaced",
				Instant.now(), id.toString(), null, source, Map.of());
		send(topology, service, new EventEnvelope(metadata, "{\"n\":" + sequence + "}"), declare);
		return id;
	}

	/**
	 * Sends an event into the listening service's queue of its aggregate, as the relay
	 * would send it, with the plain client; on the per-aggregate topology, declares the
	 * queue where asked to and announces the aggregate, as the relay does.
	 */
	private static void send(TestTopology topology, String service, EventEnvelope event, boolean declare) {
		EventMetadata metadata = event.metadata();
		String aggregate = metadata.aggregateId();
		String queue = topology.queueOf(AGGREGATE_TYPE, aggregate, service);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			rabbit.withChannel((channel) -> {
				if (declare && topology == TestTopology.PER_AGGREGATE) {
					channel.queueDeclare(queue, true, false, false,
							PerAggregateNames.aggregateQueueArguments(Duration.ofSeconds(30)));
				}
				assertThat(rabbit.queueExists(queue)).as(queue).isTrue();
				channel.basicPublish("", queue, EventMessages.properties(metadata), EventMessages.body(event));
				if (topology == TestTopology.PER_AGGREGATE) {
					channel.basicPublish(PerAggregateNames.aggregateIdsExchange(AGGREGATE_TYPE), "",
							EventMessages.persistent(), aggregate.getBytes(StandardCharsets.UTF_8));
				}
			});
		}
	}

	private static List<Map<String, Object>> awaitParked(JdbcTemplate jdbc, String service, UUID eventId) {
		await().atMost(Duration.ofSeconds(30)).until(() -> parked(jdbc, service), (parked) -> !parked.isEmpty());
		List<Map<String, Object>> parked = parked(jdbc, service);
		assertThat(parked).hasSize(1);
		// away from the projection's position, where no retry can apply it
		assertThat(parked.get(0)).containsEntry("message_id", eventId.toString())
			.containsEntry("projection", EventDispatcher.MALFORMED);
		return parked;
	}

	private static List<Map<String, Object>> parked(JdbcTemplate jdbc, String service) {
		return jdbc.queryForList("SELECT projection, message_id, reason FROM parked_events WHERE service = ?", service);
	}

	/**
	 * Waits until gap repair sends no more requests: the count is the same across twice
	 * the gap timeout, then across six times.
	 */
	private static double awaitRequestsStopped(ApplicationContext listener) {
		DoubleSupplier requests = () -> listener.getBean(MeterRegistry.class)
			.find("eventsource.replay.requests")
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
		double[] last = { -1 };
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			double now = requests.getAsDouble();
			boolean unchanged = now == last[0];
			last[0] = now;
			return unchanged;
		});
		double settled = last[0];
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(5))
			.until(() -> requests.getAsDouble() == settled);
		return settled;
	}

	/**
	 * Waits until a queue holds no message, ready or unacknowledged (the management API's
	 * figures lag by a few seconds); a queue that expired holds none either.
	 */
	private void awaitSettled(String queue) {
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
				if (!rabbit.queueExists(queue)) {
					return true;
				}
				JsonNode info = this.json
					.readTree(rabbit.management("GET", "/queues/%2F/" + RabbitTestClient.encode(queue), null));
				return info.path("messages").asInt(-1) == 0 && info.path("messages_unacknowledged").asInt(-1) == 0;
			});
		}
	}

	private static List<Long> applied(JdbcTemplate jdbc, String aggregate) {
		return jdbc.queryForList("SELECT sequence FROM " + Ledger.TABLE + " WHERE aggregate_id = ? ORDER BY id",
				Long.class, aggregate);
	}

	private void cleanUp(ApplicationContext context, JdbcTemplate jdbc, TestTopology topology, String service,
			List<String> aggregateIds) {
		jdbc.update("DELETE FROM " + Ledger.TABLE + " WHERE aggregate_id LIKE ?", this.prefix + "%");
		TestCleanUp.deleteService(context, jdbc, topology, AGGREGATE_TYPE, service, aggregateIds, this.prefix + "%");
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record OrderPlaced(int n) {
	}

	/**
	 * Inserts a row per event applied, in the listener's transaction.
	 */
	static class Ledger extends JdbcProjection {

		static final String TABLE = "future_test_applied";

		@EventSourceListener(projection = "ledger")
		void placed(OrderPlaced event, EventMetadata metadata) {
			this.jdbc.update("INSERT INTO " + TABLE + " (aggregate_id, sequence) VALUES (?, ?)", metadata.aggregateId(),
					metadata.sequence());
		}

		static void createTable(JdbcTemplate jdbc) {
			jdbc.execute("CREATE TABLE IF NOT EXISTS " + TABLE
					+ " (id BIGSERIAL PRIMARY KEY, aggregate_id VARCHAR(128) NOT NULL, sequence BIGINT NOT NULL)");
		}

	}

}
