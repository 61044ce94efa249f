package io.eventsource.listen.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import io.eventsource.actuate.internal.EventSourceHealthIndicator;
import io.eventsource.autoconfigure.EventSourceHealthContributorAutoConfiguration;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.faults.FaultReport;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.ListenerContainer;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.peraggregate.PerAggregateListenerContainer;
import io.eventsource.publish.EventPublisher;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.FastTimings;
import io.eventsource.test.JdbcProjection;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestTopology;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.internal.AggregateTopologies;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Services listening on each topology with real RabbitMQ, Redis and databases: a
 * {@code billing} service with two instances applies every event of an {@code orders}
 * service exactly once, in sequence order per aggregate, its handler's database writes
 * committing with the ack rows.
 */
class ListenerIntegrationTests {

	static final String AGGREGATE_TYPE = "ListenerTestOrder";

	private final String prefix = TestServices.randomSuffix() + "-";

	private ApplicationContextRunner runner(Database database, TestTopology topology, String service) {
		return EventSourceContexts.fastRunner(database, topology, service)
			.withPropertyValues("eventsource.partitioned.rebalance-interval=1s");
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withDatabases")
	void twoInstancesApplyFiveThousandEventsOnceInOrderPerAggregate(Database database, TestTopology topology) {
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 200;
		int perThread = 1250;
		runner(database, topology, "orders-" + TestServices.randomSuffix()).run((orders) -> {
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			createAppliedTable(jdbc, database);
			try {
				runner(database, topology, billing).withBean(Ledger.class, () -> new Ledger("one")).run((first) -> {
					runner(database, topology, billing).withBean(Ledger.class, () -> new Ledger("two"))
						.run((second) -> {
							assertThat(first).hasNotFailed();
							assertThat(second).hasNotFailed();
							awaitConsuming(first);
							awaitConsuming(second);
							EventPublisher publisher = orders.getBean(EventPublisher.class);
							ExecutorService threads = Executors.newFixedThreadPool(4);
							List<Future<?>> done = new ArrayList<>();
							for (int t = 0; t < 4; t++) {
								int thread = t;
								done.add(threads.submit(() -> {
									for (int i = 0; i < perThread; i++) {
										String id = this.prefix + ((i * 7 + thread) % aggregates);
										Object event = (i % 3 == 0) ? new OrderPaid(i) : new OrderPlaced(i);
										publisher.publish(AGGREGATE_TYPE, id, event);
									}
								}));
							}
							for (Future<?> future : done) {
								future.get(2, TimeUnit.MINUTES);
							}
							threads.shutdown();
							int total = 4 * perThread;
							await().atMost(Duration.ofSeconds(90))
								.pollInterval(Duration.ofMillis(250))
								.until(() -> applied(jdbc).size() >= total);
							List<Map<String, Object>> rows = applied(jdbc);
							assertThat(rows).hasSize(total);
							Map<String, List<Long>> sequences = new HashMap<>();
							for (Map<String, Object> row : rows) {
								sequences.computeIfAbsent((String) row.get("aggregate_id"), (key) -> new ArrayList<>())
									.add(((Number) row.get("sequence")).longValue());
							}
							assertThat(sequences).hasSize(aggregates);
							sequences.forEach((id, applied) -> assertThat(applied).as("aggregate %s", id)
								.containsExactlyElementsOf(LongStream.rangeClosed(1, applied.size()).boxed().toList()));
							assertThat(rows).extracting((row) -> row.get("instance")).contains("one", "two");
							Integer acks = jdbc.queryForObject(
									"SELECT COUNT(*) FROM message_acks WHERE service = ? AND "
											+ "projection = 'ledger' AND status = 'ok' AND aggregate_type = ?",
									Integer.class, billing, AGGREGATE_TYPE);
							assertThat(acks).isEqualTo(total);
						});
				});
			}
			finally {
				cleanUp(orders, jdbc, topology, billing, aggregates);
			}
		});
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withTheOtherDatabases")
	void eventsSentTwiceAreAppliedOnce(Database database, TestTopology topology) {
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 10;
		runner(database, topology, "orders-" + TestServices.randomSuffix())
			.withUserConfiguration(DuplicatingTopologyConfiguration.class)
			.run((orders) -> {
				JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
				createAppliedTable(jdbc, database);
				try {
					runner(database, topology, billing)
						// only the duplicating relay of orders sends
						.withPropertyValues("eventsource.relay.enabled=false")
						.withBean(Ledger.class, () -> new Ledger("one"))
						.withBean(io.micrometer.core.instrument.MeterRegistry.class,
								io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
						.run((listener) -> {
							awaitConsuming(listener);
							EventPublisher publisher = orders.getBean(EventPublisher.class);
							int total = 200;
							for (int i = 0; i < total; i++) {
								publisher.publish(AGGREGATE_TYPE, this.prefix + (i % aggregates), new OrderPlaced(i));
							}
							awaitApplied(jdbc, total);
							assertAppliedOnceInOrder(jdbc, total, aggregates);
							assertThat(orders.getBean(DuplicatingTopology.class).duplicated()).isGreaterThan(5);
							assertThat(counted(listener, "duplicate")).isGreaterThan(0);
						});
				}
				finally {
					cleanUp(orders, jdbc, topology, billing, aggregates);
				}
			});
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withDatabases")
	void anInstanceStoppedMidStreamHandsItsAggregatesToTheOther(Database database, TestTopology topology) {
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 10;
		int total = 300;
		runner(database, topology, "orders-" + TestServices.randomSuffix()).run((orders) -> {
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			createAppliedTable(jdbc, database);
			try {
				// small transactions, so that the first commits come early and the stop
				// finds most of the stream still ahead
				runner(database, topology, billing).withPropertyValues("eventsource.listener.max-batch=3")
					.withBean(Ledger.class, () -> new Ledger("one", 150))
					.run((first) -> {
						awaitConsuming(first);
						EventPublisher publisher = orders.getBean(EventPublisher.class);
						for (int i = 0; i < total; i++) {
							publisher.publish(AGGREGATE_TYPE, this.prefix + (i % aggregates), new OrderPlaced(i));
						}
						await().atMost(Duration.ofSeconds(60)).until(() -> applied(jdbc).size() >= aggregates);
						runner(database, topology, billing).withBean(Ledger.class, () -> new Ledger("two", 0))
							.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
							.run((second) -> {
								awaitConsuming(second);
								first.getBeansOfType(ListenerContainer.class).values().forEach(ListenerContainer::stop);
								long appliedByOneAtStop = appliedBy(jdbc, "one");
								awaitApplied(jdbc, total);
								assertAppliedOnceInOrder(jdbc, total, aggregates);
								// nothing applied by the stopped instance after its stop,
								// the
								// rest by the other one
								assertThat(appliedBy(jdbc, "one")).isEqualTo(appliedByOneAtStop).isLessThan(total);
								assertThat(appliedBy(jdbc, "two")).isEqualTo(total - appliedByOneAtStop);
								FaultReport.record(
										"graceful stop of one of two instances (" + database + ", " + topology + ")",
										total, applied(jdbc).size(), FaultReport.consumed(second, "duplicate"), 0,
										"the other instance took its aggregates");
							});
					});
			}
			finally {
				cleanUp(orders, jdbc, topology, billing, aggregates);
			}
		});
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withTheOtherDatabases")
	void eventsOfSeveralAggregatesShareATransactionAndAFailureTakesNoneOfTheOthersWithIt(Database database,
			TestTopology topology) {
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 10;
		int total = 200;
		runner(database, topology, "orders-" + TestServices.randomSuffix()).run((orders) -> {
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			createAppliedTable(jdbc, database);
			try {
				// one slow worker: while it applies, the other aggregates' deliveries
				// wait
				// and go into one batch
				Ledger ledger = new Ledger("one", 5);
				ledger.failures.set(1);
				runner(database, topology, billing)
					.withPropertyValues("eventsource.listener.concurrency=1", "eventsource.listener.max-batch=25")
					.withBean(Ledger.class, () -> ledger)
					.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
					.run((listener) -> {
						awaitConsuming(listener);
						EventPublisher publisher = orders.getBean(EventPublisher.class);
						EventMetadata failing = null;
						for (int i = 0; i < total; i++) {
							String id = this.prefix + (i % aggregates);
							if (i == 105) {
								failing = publisher.publish(AGGREGATE_TYPE, id, new OrderPaid(i));
							}
							else {
								publisher.publish(AGGREGATE_TYPE, id, new OrderPlaced(i));
							}
						}
						awaitApplied(jdbc, total);
						assertAppliedOnceInOrder(jdbc, total, aggregates);
						assertThat(ledger.aggregatesByTransaction.values()).as("aggregates per transaction")
							.anySatisfy((ids) -> assertThat(ids).hasSizeGreaterThan(1));
						assertThat(ledger.aggregatesByTransaction.values().stream().mapToInt(Set::size).sum())
							.isLessThan(total);
						Map<String, Object> ack = jdbc.queryForMap(
								"SELECT status, attempts FROM message_acks WHERE message_id = ? AND service = ?",
								failing.eventId().toString(), billing);
						assertThat(ack.get("status")).isEqualTo("ok");
						assertThat(((Number) ack.get("attempts")).intValue()).isEqualTo(2);
						DistributionSummary batches = listener.getBean(MeterRegistry.class)
							.get("eventsource.listener.batch.events")
							.summary();
						assertThat(batches.max()).isGreaterThan(1).isLessThanOrEqualTo(25);
					});
			}
			finally {
				cleanUp(orders, jdbc, topology, billing, aggregates);
			}
		});
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#onPostgresql")
	void publisherAndListenerRecoverByThemselvesWhenTheBrokerRestarts(Database database, TestTopology topology) {
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 5;
		runner(database, topology, "orders-" + TestServices.randomSuffix()).run((orders) -> {
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			createAppliedTable(jdbc, database);
			try {
				runner(database, topology, billing)
					.withConfiguration(AutoConfigurations.of(EventSourceHealthContributorAutoConfiguration.class))
					.withBean(Ledger.class, () -> new Ledger("one"))
					.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
					.run((listener) -> {
						awaitConsuming(listener);
						EventPublisher publisher = orders.getBean(EventPublisher.class);
						for (int i = 0; i < 50; i++) {
							publisher.publish(AGGREGATE_TYPE, this.prefix + (i % aggregates), new OrderPlaced(i));
						}
						awaitApplied(jdbc, 50);
						Health health = listener.getBean(EventSourceHealthIndicator.class).health(true);
						assertThat(health.getDetails().get("listener")).asInstanceOf(InstanceOfAssertFactories.MAP)
							.extractingByKey("aggregateConsumers", InstanceOfAssertFactories.MAP)
							.containsOnlyKeys(AGGREGATE_TYPE)
							.extractingByKey(AGGREGATE_TYPE)
							.isEqualTo(topology.consumers(aggregates));
						TestServices.rabbitmqctl("stop_app");
						try {
							for (int i = 50; i < 100; i++) {
								publisher.publish(AGGREGATE_TYPE, this.prefix + (i % aggregates), new OrderPlaced(i));
							}
						}
						finally {
							TestServices.rabbitmqctl("start_app");
							await().atMost(Duration.ofSeconds(60))
								.ignoreExceptions()
								.until(TestServices::rabbitAnswers);
						}
						for (int i = 100; i < 150; i++) {
							publisher.publish(AGGREGATE_TYPE, this.prefix + (i % aggregates), new OrderPlaced(i));
						}
						awaitApplied(jdbc, 150);
						assertAppliedOnceInOrder(jdbc, 150, aggregates);
						FaultReport.record("RabbitMQ stopped and started between publishes (" + topology + ")", 150,
								applied(jdbc).size(), FaultReport.consumed(listener, "duplicate"), 0,
								"relay and listener reconnected by themselves");
						awaitConsuming(listener);
					});
			}
			finally {
				cleanUp(orders, jdbc, topology, billing, aggregates);
			}
		});
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withDatabases")
	void aFailingHandlerIsRetriedAfterADelayWithoutReordering(Database database, TestTopology topology) {
		String billing = "billing-" + TestServices.randomSuffix();
		runner(database, topology, "orders-" + TestServices.randomSuffix()).run((orders) -> {
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			createAppliedTable(jdbc, database);
			try {
				Ledger ledger = new Ledger("one", 0);
				ledger.failures.set(2);
				runner(database, topology, billing).withBean(Ledger.class, () -> ledger).run((listener) -> {
					awaitConsuming(listener);
					EventPublisher publisher = orders.getBean(EventPublisher.class);
					EventMetadata failing = publisher.publish(AGGREGATE_TYPE, this.prefix + "0", new OrderPaid(1));
					publisher.publish(AGGREGATE_TYPE, this.prefix + "0", new OrderPlaced(2));
					awaitApplied(jdbc, 2);
					assertAppliedOnceInOrder(jdbc, 2, 1);
					Map<String, Object> ack = jdbc.queryForMap(
							"SELECT status, attempts, last_error FROM message_acks WHERE message_id = ? AND service = ?",
							failing.eventId().toString(), billing);
					assertThat(ack.get("status")).isEqualTo("ok");
					assertThat(((Number) ack.get("attempts")).intValue()).isEqualTo(3);
					assertThat((String) ack.get("last_error")).contains("IllegalStateException").contains("not yet");
				});
			}
			finally {
				cleanUp(orders, jdbc, topology, billing, 1);
			}
		});
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withTheOtherDatabases")
	void aHandlerPublishesWithTheHandledEventsCorrelationAndUnknownTypesAreIgnored(Database database,
			TestTopology topology) {
		String billing = "billing-" + TestServices.randomSuffix();
		String invoices = "Invoice" + TestServices.randomSuffix();
		runner(database, topology, "orders-" + TestServices.randomSuffix()).run((orders) -> {
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			createAppliedTable(jdbc, database);
			try {
				runner(database, topology, billing).withBean(Ledger.class, () -> new Ledger("one"))
					.withBean(Invoicing.class, () -> new Invoicing(invoices))
					.withBean(io.micrometer.core.instrument.MeterRegistry.class,
							io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
					.run((listener) -> {
						awaitConsuming(listener);
						EventPublisher publisher = orders.getBean(EventPublisher.class);
						publisher.publish(AGGREGATE_TYPE, this.prefix + "0", new OrderCancelled(1));
						EventMetadata placed = publisher.publish(AGGREGATE_TYPE, this.prefix + "0", new OrderPlaced(2));
						awaitApplied(jdbc, 1);
						await().atMost(Duration.ofSeconds(30))
							.until(() -> !jdbc
								.queryForList("SELECT headers FROM public_messages WHERE topic = ?", String.class,
										invoices)
								.isEmpty());
						String headers = jdbc.queryForObject("SELECT headers FROM public_messages WHERE topic = ?",
								String.class, invoices);
						assertThat(headers).contains("\"correlationid\":\"" + placed.correlationId() + "\"")
							.contains("\"causationid\":\"" + placed.eventId() + "\"");
						assertThat(applied(jdbc)).extracting((row) -> ((Number) row.get("sequence")).longValue())
							.containsExactly(2L);
						assertThat(counted(listener, "ignored")).isGreaterThanOrEqualTo(1);
					});
			}
			finally {
				TestCleanUp.deleteEvents(jdbc, invoices);
				cleanUp(orders, jdbc, topology, billing, 1);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void perAggregateQueuesBeyondTheBoundWaitAndAreNotDropped(Database database) {
		TestTopology topology = TestTopology.PER_AGGREGATE;
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 6;
		int total = 60;
		runner(database, topology, "orders-" + TestServices.randomSuffix()).run((orders) -> {
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			createAppliedTable(jdbc, database);
			try {
				runner(database, topology, billing).withPropertyValues("eventsource.listener.max-aggregates=2")
					.withBean(Ledger.class, () -> new Ledger("one"))
					.run((listener) -> {
						awaitConsuming(listener);
						PerAggregateListenerContainer container = listener.getBean(PerAggregateListenerContainer.class);
						EventPublisher publisher = orders.getBean(EventPublisher.class);
						for (int i = 0; i < total; i++) {
							publisher.publish(AGGREGATE_TYPE, this.prefix + (i % aggregates), new OrderPlaced(i));
							assertThat(container.activeConsumers()).isLessThanOrEqualTo(2);
						}
						awaitApplied(jdbc, total);
						assertAppliedOnceInOrder(jdbc, total, aggregates);
					});
			}
			finally {
				cleanUp(orders, jdbc, topology, billing, aggregates);
			}
		});
	}

	private static void awaitConsuming(ApplicationContext context) {
		TestTopology.awaitConsuming(context);
	}

	private void awaitApplied(JdbcTemplate jdbc, int total) {
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> applied(jdbc).size() >= total);
	}

	private void assertAppliedOnceInOrder(JdbcTemplate jdbc, int total, int aggregates) {
		List<Map<String, Object>> rows = applied(jdbc);
		assertThat(rows).hasSize(total);
		Map<String, List<Long>> sequences = new HashMap<>();
		for (Map<String, Object> row : rows) {
			sequences.computeIfAbsent((String) row.get("aggregate_id"), (key) -> new ArrayList<>())
				.add(((Number) row.get("sequence")).longValue());
		}
		assertThat(sequences).hasSize(aggregates);
		sequences.forEach((id, applied) -> assertThat(applied).as("aggregate %s", id)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, applied.size()).boxed().toList()));
	}

	private static double counted(ApplicationContext context, String outcome) {
		return context.getBean(ListenerMetrics.class)
			.registry()
			.find("eventsource.consumed.events")
			.tag("outcome", outcome)
			.tag("aggregate.type", AGGREGATE_TYPE)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private long appliedBy(JdbcTemplate jdbc, String instance) {
		return applied(jdbc).stream().filter((row) -> instance.equals(row.get("instance"))).count();
	}

	private List<Map<String, Object>> applied(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT instance, aggregate_id, sequence FROM listener_test_applied "
				+ "WHERE aggregate_id LIKE ? ORDER BY id", this.prefix + "%");
	}

	private static void createAppliedTable(JdbcTemplate jdbc, Database database) {
		jdbc.execute("CREATE TABLE IF NOT EXISTS listener_test_applied ("
				+ ((database == Database.POSTGRESQL) ? "id BIGSERIAL PRIMARY KEY"
						: "id BIGINT AUTO_INCREMENT PRIMARY KEY")
				+ ", instance VARCHAR(16) NOT NULL, aggregate_id VARCHAR(128) NOT NULL, sequence BIGINT NOT NULL)");
	}

	private void cleanUp(ApplicationContext context, JdbcTemplate jdbc, TestTopology topology, String billing,
			int aggregates) {
		jdbc.update("DELETE FROM listener_test_applied WHERE aggregate_id LIKE ?", this.prefix + "%");
		TestCleanUp.deleteEvents(jdbc, AGGREGATE_TYPE, this.prefix + "%");
		TestCleanUp.deleteInbox(jdbc, billing);
		TestCleanUp.forgetService(context, AGGREGATE_TYPE, billing);
		topology.cleanUp(AGGREGATE_TYPE, billing,
				IntStream.range(0, aggregates).mapToObj((i) -> this.prefix + i).toList());
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record OrderPlaced(int n) {
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class DuplicatingTopologyConfiguration {

		@org.springframework.context.annotation.Bean
		DuplicatingTopology duplicatingTopology(
				org.springframework.amqp.rabbit.connection.ConnectionFactory connectionFactory,
				io.eventsource.registry.ServiceRegistry registry, AggregateTopologies topologies) {
			return new DuplicatingTopology(FastTimings.topology(connectionFactory, registry, topologies));
		}

	}

	/**
	 * Sends one event in ten twice, as a broker redelivery or a relay retry would.
	 */
	static class DuplicatingTopology implements EventTopology {

		private final EventTopology delegate;

		private final java.util.concurrent.atomic.AtomicInteger duplicated = new java.util.concurrent.atomic.AtomicInteger();

		DuplicatingTopology(EventTopology delegate) {
			this.delegate = delegate;
		}

		@Override
		public io.eventsource.topology.SendOutcomes send(List<io.eventsource.envelope.EventEnvelope> events) {
			List<io.eventsource.envelope.EventEnvelope> sent = new ArrayList<>();
			for (io.eventsource.envelope.EventEnvelope event : events) {
				sent.add(event);
				if (java.util.concurrent.ThreadLocalRandom.current().nextInt(10) == 0) {
					sent.add(event);
					this.duplicated.incrementAndGet();
				}
			}
			return this.delegate.send(sent);
		}

		int duplicated() {
			return this.duplicated.get();
		}

	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record OrderPaid(int n) {
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record OrderCancelled(int n) {
	}

	record InvoiceRequested(String orderId) {
	}

	/**
	 * A second projection of the same service that publishes an event of its own while
	 * handling.
	 */
	static class Invoicing {

		private final String aggregateType;

		private EventPublisher publisher;

		Invoicing(String aggregateType) {
			this.aggregateType = aggregateType;
		}

		@org.springframework.beans.factory.annotation.Autowired
		void setPublisher(EventPublisher publisher) {
			this.publisher = publisher;
		}

		@EventSourceListener(projection = "invoicing")
		void on(OrderPlaced event, EventMetadata metadata) {
			this.publisher.publish(this.aggregateType, metadata.aggregateId(),
					new InvoiceRequested(metadata.aggregateId()));
		}

	}

	/**
	 * A projection whose effect is a row in the application's own database, written in
	 * the handler's transaction.
	 */
	static class Ledger extends JdbcProjection {

		private final String instance;

		private final long workMillis;

		private static final Object TRANSACTION_KEY = new Object();

		private static final java.util.concurrent.atomic.AtomicInteger TRANSACTIONS = new java.util.concurrent.atomic.AtomicInteger();

		final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();

		/** The aggregates each transaction of a handler applied events of. */
		final Map<Object, Set<String>> aggregatesByTransaction = new ConcurrentHashMap<>();

		Ledger(String instance) {
			this(instance, 0);
		}

		Ledger(String instance, long workMillis) {
			this.instance = instance;
			this.workMillis = workMillis;
		}

		@EventSourceListener(projection = "ledger")
		void placed(OrderPlaced event, EventMetadata metadata) {
			record(metadata);
		}

		@EventSourceListener(projection = "ledger")
		void paid(OrderPaid event, EventMetadata metadata) {
			if (this.failures.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				throw new IllegalStateException("Payment service not yet reachable");
			}
			record(metadata);
		}

		private void record(EventMetadata metadata) {
			Object transaction = TransactionSynchronizationManager.getResource(TRANSACTION_KEY);
			if (transaction == null) {
				transaction = TRANSACTIONS.incrementAndGet();
				TransactionSynchronizationManager.bindResource(TRANSACTION_KEY, transaction);
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCompletion(int status) {
						TransactionSynchronizationManager.unbindResource(TRANSACTION_KEY);
					}

				});
			}
			this.aggregatesByTransaction.computeIfAbsent(transaction, (key) -> ConcurrentHashMap.newKeySet())
				.add(metadata.aggregateId());
			if (this.workMillis > 0) {
				// the handler's own work, so that a stop finds events in progress and in
				// the prefetch
				java.util.concurrent.locks.LockSupport.parkNanos(this.workMillis * 1_000_000);
			}
			this.jdbc.update("INSERT INTO listener_test_applied (instance, aggregate_id, sequence) VALUES (?, ?, ?)",
					this.instance, metadata.aggregateId(), metadata.sequence());
		}

	}

}
