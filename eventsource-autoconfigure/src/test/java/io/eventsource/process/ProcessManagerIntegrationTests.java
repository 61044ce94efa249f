package io.eventsource.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.eventsource.actuate.internal.ProcessesEndpoint;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.internal.dispatch.DispatchOutcome;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.process.internal.ProcessManagers;
import io.eventsource.process.internal.ProcessTimeoutPoller;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessInstance;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessStatus;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.store.internal.StoredEvent;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Process managers on the real services: a process follows one correlation id across
 * aggregate types, sends commands to a named service, completes; rejects an event that is
 * invalid in its state; keeps its version while a new one is deployed and moves to it
 * only when upgraded; fires a timeout once across a restart; never sends twice when an
 * event is redelivered or its handler fails after sending; and handles the events of one
 * instance one at a time with two competing instances.
 */
class ProcessManagerIntegrationTests {

	static final String ORDER = "PmtOrder";

	static final String KITCHEN = "PmtKitchen";

	static final String ITEM = "PmtItem";

	static final String PROCESS = "PmtOrderProcess";

	private static final String[] PROPERTIES = { "eventsource.relay.poll-interval=200ms",
			"eventsource.listener.redelivery-delay=200ms", "eventsource.registry.heartbeat-interval=1s",
			"eventsource.per-aggregate.announce-interval=500ms", "eventsource.per-aggregate.consumer-idle-timeout=2s",
			"eventsource.processes.timeout-poll-interval=200ms", "eventsource.listener.retry.initial-delay=100ms" };

	private final String prefix = "pm" + TestServices.randomSuffix() + "-";

	private final String service = "pm-" + TestServices.randomSuffix();

	private final List<String> processIds = new ArrayList<>();

	private TestTopology topology = TestTopology.PARTITIONED;

	private Database database = Database.POSTGRESQL;

	@AfterEach
	void cleanUp() {
		EventSourceContexts.runner(this.database, this.service)
			.withPropertyValues("eventsource.listener.enabled=false", "eventsource.relay.enabled=false")
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				for (String type : List.of(ORDER, KITCHEN, ITEM, PROCESS)) {
					TestCleanUp.deleteEvents(jdbc, type, this.prefix + "%");
					TestCleanUp.forgetService(context, type, this.service);
					this.topology.cleanUp(type, this.service, this.processIds);
				}
				for (String table : List.of("message_acks", "projection_positions", "parked_events",
						"process_instances", "process_timeouts")) {
					jdbc.update("DELETE FROM " + table + " WHERE service = ?", this.service);
				}
			});
	}

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void aProcessFollowsItsCorrelationIdThroughCommandsAndCompletes(TestTopology topology) {
		this.topology = topology;
		String order = processId(0);
		runner().withPropertyValues(topology.properties())
			.withBean(Kitchen.class, () -> new Kitchen(this.service))
			.run((context) -> {
				TestTopology.awaitConsuming(context);
				placeOrder(context, order, Duration.ofMinutes(10));
				ProcessInstance cooked = awaitState(context, order, "\"cooked\":true");
				assertThat(cooked.version()).isEqualTo(1);
				publish(context, ORDER, order, new PaymentTaken(12));
				ProcessInstance done = awaitStatus(context, order, ProcessStatus.COMPLETED);
				assertThat(done.state()).contains("\"paid\":true");
				assertThat(streamTypes(context, order)).containsExactly("ProcessStarted", "OrderPlaced", "FoodCooked",
						"PaymentTaken", "ProcessCompleted");
				List<StoredEvent> orderEvents = outbox(context).findByAggregate(ORDER, order, 1);
				assertThat(orderEvents).extracting((event) -> event.envelope().metadata().eventType())
					.containsExactly("OrderPlaced", "PaymentTaken", "OrderServed");
				EventMetadata placed = orderEvents.get(0).envelope().metadata();
				EventMetadata served = orderEvents.get(2).envelope().metadata();
				assertThat(served.correlationId()).isEqualTo(order);
				assertThat(served.causationId())
					.isEqualTo(orderEvents.get(1).envelope().metadata().eventId().toString());
				List<StoredEvent> kitchen = outbox(context).findByAggregate(KITCHEN, order, 1);
				assertThat(kitchen).extracting((event) -> event.envelope().metadata().eventType())
					.containsExactly("CookFood", "CookFood", "FoodCooked");
				EventMetadata cook = kitchen.get(0).envelope().metadata();
				assertThat(cook.targetService()).isEqualTo(this.service);
				assertThat(cook.correlationId()).isEqualTo(order);
				assertThat(cook.causationId()).isEqualTo(placed.eventId().toString());
				// the second command is for another service: this one's kitchen ignores
				// it
				assertThat(kitchen.get(1).envelope().metadata().targetService()).isEqualTo("another-kitchen");
				assertThat(context.getBean(Kitchen.class).cooked).hasValue(1);
				assertThat(context.getBean(ProcessTimeoutPoller.class).isRunning()).isTrue();
				assertThat(context.getBean(ProcessManagers.class).timeouts(PROCESS, order)).isEmpty();
			});
	}

	@Test
	void anEventInvalidInTheProcessStateIsRejectedAsTheProcessOwnEvent() {
		String order = processId(0);
		runner().run((context) -> {
			TestTopology.awaitConsuming(context);
			placeOrder(context, order, Duration.ofMinutes(10));
			awaitStatus(context, order, ProcessStatus.RUNNING);
			publish(context, ORDER, order, new PaymentTaken(5));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> streamTypes(context, order).contains("ProcessEventRejected"));
			publish(context, KITCHEN, order, new FoodCooked());
			awaitState(context, order, "\"cooked\":true");
			publish(context, ORDER, order, new PaymentTaken(5));
			awaitStatus(context, order, ProcessStatus.COMPLETED);
			assertThat(streamTypes(context, order)).containsExactly("ProcessStarted", "OrderPlaced", "PaymentTaken",
					"ProcessEventRejected", "FoodCooked", "PaymentTaken", "ProcessCompleted");
			List<StoredEvent> stream = outbox(context).findByAggregate(PROCESS, order, 1);
			assertThat(stream.get(3).envelope().payload()).contains("the food is not cooked yet")
				.contains(stream.get(2).envelope().metadata().eventId().toString());
			assertThat(count(context, "eventsource.processes.rejected")).isEqualTo(1);
		});
	}

	@Test
	void anEventAppendedBehindTheEventThatCompletedTheProcessIsNotHandled() {
		String order = processId(0);
		runner().run((context) -> {
			TestTopology.awaitConsuming(context);
			placeOrder(context, order, Duration.ofMinutes(10));
			awaitState(context, order, "v1:placed");
			publish(context, KITCHEN, order, new FoodCooked());
			awaitState(context, order, "\"cooked\":true");
			// two payments in the stream before the first is handled: the first completes
			// the process, its ProcessCompleted is appended behind the second
			context.getBean(org.springframework.transaction.support.TransactionTemplate.class)
				.executeWithoutResult((status) -> {
					EventPublisher publisher = context.getBean(EventPublisher.class);
					for (int amount : new int[] { 5, 6 }) {
						publisher.publish(PROCESS, order, Map.of("amount", amount),
								PublishOptions.defaults().withEventType("PaymentTaken").withCorrelationId(order));
					}
				});
			awaitStatus(context, order, ProcessStatus.COMPLETED);
			// the runner handled the whole stream, the second payment included
			await().atMost(Duration.ofSeconds(30)).until(() -> streamPosition(context, order) == 6);
			assertThat(streamTypes(context, order)).containsExactly("ProcessStarted", "OrderPlaced", "FoodCooked",
					"PaymentTaken", "PaymentTaken", "ProcessCompleted");
			assertThat(outbox(context).findByAggregate(ORDER, order, 1))
				.extracting((event) -> event.envelope().metadata().eventType())
				.containsExactly("OrderPlaced", "OrderServed");
			assertThat(context.getBean(ProcessManagers.class).timeouts(PROCESS, order)).isEmpty();
		});
	}

	@Test
	void runningInstancesKeepTheirVersionAndMoveOnlyWhenUpgraded() {
		String first = processId(0);
		String second = processId(1);
		String third = processId(2);
		runner().run((context) -> {
			TestTopology.awaitConsuming(context);
			placeOrder(context, first, Duration.ofMinutes(10));
			placeOrder(context, second, Duration.ofMinutes(10));
			awaitState(context, first, "v1:placed");
			awaitState(context, second, "v1:placed");
		});
		runner().withBean(OrderProcessV2.class, OrderProcessV2::new).run((context) -> {
			TestTopology.awaitConsuming(context);
			placeOrder(context, third, Duration.ofMinutes(10));
			assertThat(awaitState(context, third, "v2:placed").version()).isEqualTo(2);
			publish(context, KITCHEN, first, new FoodCooked());
			ProcessInstance stillOne = awaitState(context, first, "v1:cooked");
			assertThat(stillOne.version()).isEqualTo(1);
			assertThat(stillOne.state()).contains("\"log\":[\"v1:placed\",\"v1:cooked\"]");
			ProcessManagers managers = context.getBean(ProcessManagers.class);
			managers.upgrade(PROCESS, second, 2);
			assertThatIllegalArgumentException().isThrownBy(() -> managers.upgrade(PROCESS, second, 2))
				.withMessageContaining("already");
			ProcessInstance upgraded = awaitState(context, second, "v2:placed");
			assertThat(upgraded.version()).isEqualTo(2);
			// its history is reinterpreted by version 2, which reschedules the payment
			// timeout to 5 minutes after the order
			assertThat(upgraded.state()).contains("\"log\":[\"v2:placed\"]");
			assertThat(managers.timeouts(PROCESS, second)).singleElement()
				.satisfies((timeout) -> assertThat(timeout.dueAt())
					.isEqualTo(streamEvent(context, second, 2).occurredAt().plus(Duration.ofMinutes(5))));
			publish(context, KITCHEN, second, new FoodCooked());
			assertThat(awaitState(context, second, "v2:cooked").state())
				.contains("\"log\":[\"v2:placed\",\"v2:cooked\"]");
			ProcessesEndpoint endpoint = new ProcessesEndpoint(managers);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.upgrade(PROCESS, first, 3))
				.withMessageContaining("Version 3 of process " + PROCESS + " is not deployed here: [1, 2]");
			assertThat(endpoint.upgradeAll(PROCESS, 1, 2)).containsEntry("upgraded", 1);
			assertThat(awaitState(context, first, "v2:cooked").version()).isEqualTo(2);
			assertThat(endpoint.instance(PROCESS, first)).containsEntry("version", 2)
				.containsEntry("status", "RUNNING")
				.containsKey("timeouts");
			assertThat(endpoint.report()).containsKey(PROCESS);
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void aTimeoutSurvivesARestartAndFiresOnce(Database database) {
		this.database = database;
		String unpaid = processId(0);
		String paid = processId(1);
		runner().run((context) -> {
			TestTopology.awaitConsuming(context);
			placeOrder(context, unpaid, Duration.ofSeconds(4));
			placeOrder(context, paid, Duration.ofSeconds(60));
			awaitState(context, unpaid, "v1:placed");
			awaitState(context, paid, "v1:placed");
			assertThat(context.getBean(ProcessManagers.class).timeouts(PROCESS, unpaid)).hasSize(1);
		});
		// down while the timeouts fall due: the restarted service fires them
		runner().run((context) -> {
			publish(context, KITCHEN, paid, new FoodCooked());
			awaitState(context, paid, "\"cooked\":true");
			publish(context, ORDER, paid, new PaymentTaken(3));
			awaitStatus(context, paid, ProcessStatus.COMPLETED);
			awaitStatus(context, unpaid, ProcessStatus.COMPLETED);
			assertThat(streamTypes(context, unpaid)).containsExactly("ProcessStarted", "OrderPlaced", "ProcessTimedOut",
					"ProcessCompleted");
			assertThat(outbox(context).findByAggregate(ORDER, unpaid, 1))
				.extracting((event) -> event.envelope().metadata().eventType())
				.containsExactly("OrderPlaced", "OrderCancelled");
			// the paid order completed, which cancelled its timeout: nothing is left to
			// fire
			assertThat(context.getBean(ProcessManagers.class).timeouts(PROCESS, paid)).isEmpty();
			assertThat(streamTypes(context, paid)).doesNotContain("ProcessTimedOut");
			assertThat(context.getBean(ProcessManagers.class).timeouts(PROCESS, unpaid)).isEmpty();
			// counted once the timeout's transaction committed
			await().atMost(Duration.ofSeconds(10)).until(() -> count(context, "eventsource.processes.timed.out") >= 1);
			assertThat(count(context, "eventsource.processes.timed.out")).isEqualTo(1);
		});
	}

	@Test
	void aRedeliveredEventOrAHandlerFailingAfterItSentNeverSendsTwice() {
		String order = processId(0);
		runner().withPropertyValues("eventsource.listener.retry.max-attempts=5").run((context) -> {
			TestTopology.awaitConsuming(context);
			OrderProcessV1 process = context.getBean(OrderProcessV1.class);
			process.failAfterSending.set(1);
			placeOrder(context, order, Duration.ofMinutes(10));
			awaitState(context, order, "v1:placed");
			assertThat(process.failAfterSending).hasValue(0);
			List<StoredEvent> commands = outbox(context).findByAggregate(KITCHEN, order, 1);
			assertThat(commands).hasSize(2);
			// the copy of OrderPlaced in the stream, delivered again
			StoredEvent copy = outbox(context).findByAggregate(PROCESS, order, 2, 2, 1).get(0);
			EventDispatcher dispatcher = context.getBean(EventDispatcher.class);
			assertThat(dispatcher.dispatch(copy.envelope().metadata(),
					copy.envelope().payload().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
				.isEqualTo(DispatchOutcome.DUPLICATE);
			// and OrderPlaced itself
			StoredEvent placed = outbox(context).findByAggregate(ORDER, order, 1, 1, 1).get(0);
			assertThat(dispatcher.dispatch(placed.envelope().metadata(),
					placed.envelope().payload().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
				.isEqualTo(DispatchOutcome.DUPLICATE);
			assertThat(outbox(context).findByAggregate(KITCHEN, order, 1)).hasSize(2);
			assertThat(outbox(context).findByAggregate(PROCESS, order, 1)).hasSize(2);
		});
	}

	@Test
	void eventsOfOneInstanceAreHandledOneAtATimeByCompetingInstances() {
		String order = processId(0);
		int items = 40;
		runner().run((first) -> runner().run((second) -> {
			TestTopology.awaitConsuming(first);
			TestTopology.awaitConsuming(second);
			placeOrder(first, order, Duration.ofMinutes(10));
			awaitState(first, order, "v1:placed");
			ExecutorService publishers = Executors.newFixedThreadPool(4);
			for (int i = 0; i < items; i++) {
				String item = order + "-" + i;
				AssertableApplicationContext publishing = (i % 2 == 0) ? first : second;
				publishers.execute(() -> publishing.getBean(EventPublisher.class)
					.publish(ITEM, item, new ItemAdded(), PublishOptions.defaults().withCorrelationId(order)));
			}
			publishers.shutdown();
			assertThat(publishers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
			awaitState(first, order, "\"items\":" + items);
			assertThat(OrderProcessV1.maxInFlight).hasValue(1);
			assertThat(streamTypes(first, order)).filteredOn("ItemAdded"::equals).hasSize(items);
		}));
	}

	private ApplicationContextRunner runner() {
		return EventSourceContexts.runner(this.database, this.service)
			.withPropertyValues(PROPERTIES)
			.withPropertyValues(this.topology.properties())
			.withBean(io.micrometer.core.instrument.MeterRegistry.class,
					io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
			.withBean(OrderProcessV1.class, () -> new OrderProcessV1(this.service));
	}

	private String processId(int n) {
		String id = this.prefix + n;
		this.processIds.add(id);
		return id;
	}

	private static void placeOrder(AssertableApplicationContext context, String order, Duration payWithin) {
		context.getBean(EventPublisher.class)
			.publish(ORDER, order, new OrderPlaced(payWithin.toMillis()),
					PublishOptions.defaults().withCorrelationId(order));
	}

	private static void publish(AssertableApplicationContext context, String type, String order, Object event) {
		context.getBean(EventPublisher.class)
			.publish(type, order, event, PublishOptions.defaults().withCorrelationId(order));
	}

	private static PublicMessageRepository outbox(AssertableApplicationContext context) {
		return context.getBean(PublicMessageRepository.class);
	}

	private static List<String> streamTypes(AssertableApplicationContext context, String order) {
		return outbox(context).findByAggregate(PROCESS, order, 1)
			.stream()
			.map((event) -> event.envelope().metadata().eventType())
			.toList();
	}

	private static EventMetadata streamEvent(AssertableApplicationContext context, String order, long sequence) {
		return outbox(context).findByAggregate(PROCESS, order, sequence, sequence, 1).get(0).envelope().metadata();
	}

	private long streamPosition(AssertableApplicationContext context, String order) {
		Long position = new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
				"SELECT MAX(last_sequence) FROM projection_positions WHERE service = ? AND projection = ? "
						+ "AND aggregate_type = ? AND aggregate_id = ?",
				Long.class, this.service, ProcessManagers.projection(PROCESS), PROCESS, order);
		return (position != null) ? position : 0;
	}

	private static ProcessInstance awaitStatus(AssertableApplicationContext context, String order,
			ProcessStatus status) {
		ProcessManagers managers = context.getBean(ProcessManagers.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			ProcessInstance instance = managers.find(PROCESS, order);
			return instance != null && instance.status() == status;
		});
		return managers.find(PROCESS, order);
	}

	private static ProcessInstance awaitState(AssertableApplicationContext context, String order, String fragment) {
		ProcessManagers managers = context.getBean(ProcessManagers.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			ProcessInstance instance = managers.find(PROCESS, order);
			return instance != null && instance.state() != null && instance.state().contains(fragment);
		});
		return managers.find(PROCESS, order);
	}

	private static double count(AssertableApplicationContext context, String meter) {
		return context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
			.find(meter)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	@EventType(aggregate = ORDER)
	record OrderPlaced(long payWithinMillis) {
	}

	@EventType(aggregate = ORDER)
	record PaymentTaken(int amount) {
	}

	@EventType(aggregate = ORDER)
	record OrderServed() {
	}

	@EventType(aggregate = ORDER)
	record OrderCancelled(String reason) {
	}

	@EventType(aggregate = KITCHEN)
	record CookFood(String table) {
	}

	@EventType(aggregate = KITCHEN)
	record FoodCooked() {
	}

	@EventType(aggregate = ITEM)
	record ItemAdded() {
	}

	public static class OrderState {

		public boolean placed;

		public boolean cooked;

		public boolean paid;

		public int items;

		public List<String> log = new ArrayList<>();

	}

	/** Cooks what it is sent, once per command. */
	static class Kitchen {

		final String service;

		final AtomicInteger cooked = new AtomicInteger();

		EventPublisher publisher;

		Kitchen(String service) {
			this.service = service;
		}

		@org.springframework.beans.factory.annotation.Autowired
		void setPublisher(EventPublisher publisher) {
			this.publisher = publisher;
		}

		@EventSourceListener(projection = "kitchen")
		void on(CookFood command, EventMetadata metadata) {
			this.cooked.incrementAndGet();
			this.publisher.publish(KITCHEN, metadata.aggregateId(), new FoodCooked());
		}

	}

	@ProcessManager(type = PROCESS, version = 1, state = OrderState.class)
	static class OrderProcessV1 {

		static final AtomicInteger maxInFlight = new AtomicInteger();

		private static final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

		final String service;

		final AtomicInteger failAfterSending = new AtomicInteger();

		OrderProcessV1(String service) {
			this.service = service;
		}

		@ProcessHandler(start = true)
		void on(OrderPlaced event, ProcessContext<OrderState> process) {
			process.state().placed = true;
			process.state().log.add("v1:placed");
			process.send(this.service, new CookFood("t1"));
			process.send("another-kitchen", new CookFood("t1"));
			process.scheduleTimeout("payment", Duration.ofMillis(event.payWithinMillis()));
			if (!process.isReplaying() && this.failAfterSending.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
				throw new IllegalStateException("failing after sending, once");
			}
		}

		@ProcessHandler
		void on(FoodCooked event, ProcessContext<OrderState> process) {
			process.state().cooked = true;
			process.state().log.add("v1:cooked");
		}

		@ProcessHandler
		void on(PaymentTaken event, ProcessContext<OrderState> process) {
			if (!process.state().cooked) {
				process.reject("the food is not cooked yet");
			}
			process.state().paid = true;
			process.cancelTimeout("payment");
			process.publish(new OrderServed());
			process.complete();
		}

		@ProcessHandler
		void on(ProcessTimedOut timeout, ProcessContext<OrderState> process) {
			process.publish(new OrderCancelled("not paid within the time"));
			process.complete();
		}

		@ProcessHandler
		void on(ItemAdded event, ProcessContext<OrderState> process) throws InterruptedException {
			if (process.isReplaying()) {
				process.state().items++;
				return;
			}
			AtomicInteger running = inFlight.computeIfAbsent(process.processId(), (id) -> new AtomicInteger());
			int now = running.incrementAndGet();
			maxInFlight.accumulateAndGet(now, Math::max);
			// the handler's work: a window in which a second handling of this instance
			// would be seen
			Thread.sleep(5);
			process.state().items++;
			running.decrementAndGet();
		}

	}

	@ProcessManager(type = PROCESS, version = 2, state = OrderState.class)
	static class OrderProcessV2 {

		@ProcessHandler(start = true)
		void on(OrderPlaced event, ProcessContext<OrderState> process) {
			process.state().placed = true;
			process.state().log.add("v2:placed");
			process.scheduleTimeout("payment", Duration.ofMinutes(5));
		}

		@ProcessHandler
		void on(FoodCooked event, ProcessContext<OrderState> process) {
			process.state().cooked = true;
			process.state().log.add("v2:cooked");
		}

		@ProcessHandler
		void on(ProcessTimedOut timeout, ProcessContext<OrderState> process) {
			process.complete();
		}

	}

}
