package io.eventsource.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.eventsource.publish.EventPublisher;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import io.eventsource.topology.PerAggregateNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Catch-up from the producer's log: a service down for twice the per-aggregate queue
 * expiry while 2,000 events are published finds its queues deleted with the events in
 * them, and still applies every one of them, once, in order, when it comes back.
 */
class CatchUpTests {

	private static final String[] SHORT_EXPIRY = { "eventsource.relay.poll-interval=200ms",
			"eventsource.per-aggregate.queue-expiry=2s", "eventsource.per-aggregate.declaration-cache-ttl=1s",
			"eventsource.per-aggregate.consumer-idle-timeout=1s", "eventsource.per-aggregate.announce-interval=300ms",
			"eventsource.listener.redelivery-delay=200ms", "eventsource.registry.heartbeat-interval=1s",
			"eventsource.replay.catch-up-horizon=1s" };

	private final String prefix = TestServices.randomSuffix() + "-";

	@ParameterizedTest
	@EnumSource(Database.class)
	void aServiceDownForTwiceTheQueueExpiryGetsEveryEventWhenItComesBack(Database database) {
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 20;
		int whileDown = 2000;
		withOrders(database, billing, FaultEvents.aggregateIds(this.prefix, aggregates), (jdbc, publisher) -> {
			billing(database, billing).run((first) -> {
				TestTopology.awaitConsuming(first);
				for (int i = 0; i < aggregates; i++) {
					publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + i, new FaultEvents.OrderPlaced(i));
				}
				await().atMost(Duration.ofSeconds(30))
					.until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == aggregates);
			});
			Instant down = Instant.now();
			for (int i = 0; i < whileDown; i++) {
				publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + (i % aggregates),
						new FaultEvents.OrderPlaced(aggregates + i));
			}
			await().atMost(Duration.ofSeconds(60))
				.until(() -> jdbc.queryForObject(
						"SELECT COUNT(*) FROM public_messages WHERE topic = ? AND aggregate_id LIKE ? "
								+ "AND relayed_at IS NULL",
						Integer.class, FaultEvents.AGGREGATE_TYPE, this.prefix + "%") == 0);
			// the per-aggregate queues of the service expired with the events in them
			// (asked through the management API: a passive declaration would renew their
			// lease)
			try (RabbitTestClient rabbit = new RabbitTestClient()) {
				await().atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofMillis(500))
					.until(() -> FaultEvents.aggregateIds(this.prefix, aggregates)
						.stream()
						.noneMatch((id) -> listed(rabbit,
								PerAggregateNames.aggregateQueue(FaultEvents.AGGREGATE_TYPE, id, billing))));
			}
			await().atMost(Duration.ofSeconds(30))
				.until(() -> Duration.between(down, Instant.now()).compareTo(Duration.ofSeconds(4)) >= 0);
			assertThat(FaultEvents.appliedCount(jdbc, this.prefix)).isEqualTo(aggregates);
			billing(database, billing).run((second) -> {
				int total = aggregates + whileDown;
				Map<String, List<Long>> applied = FaultEvents.awaitAppliedOnceInOrder(jdbc, this.prefix, total,
						aggregates, Duration.ofSeconds(120));
				FaultReport.record("a service down for twice the queue expiry (" + database + ")", total,
						FaultEvents.appliedCount(jdbc, this.prefix), FaultReport.consumed(second, "duplicate"), 0,
						whileDown + " events expired with the queues, caught up from the log");
			});
		});
	}

	@Test
	void aServiceDeployedFromNowGetsNoHistoryNotEvenThroughGapRepair() {
		Database database = Database.POSTGRESQL;
		String billing = "billing-" + TestServices.randomSuffix();
		String old = this.prefix + "old";
		String fresh = this.prefix + "new";
		withOrders(database, billing, List.of(old, fresh), (jdbc, publisher) -> {
			for (int n = 1; n <= 3; n++) {
				publisher.publish(FaultEvents.AGGREGATE_TYPE, old, new FaultEvents.OrderPlaced(n));
			}
			await().atMost(Duration.ofSeconds(30))
				.until(() -> jdbc.queryForObject(
						"SELECT COUNT(*) FROM public_messages WHERE aggregate_id = ? AND relayed_at IS NULL",
						Integer.class, old) == 0);
			billing(database, billing)
				.withPropertyValues("eventsource.replay.catch-up-from=now", "eventsource.replay.gap-timeout=300ms")
				.run((listener) -> {
					TestTopology.awaitConsuming(listener);
					publisher.publish(FaultEvents.AGGREGATE_TYPE, old, new FaultEvents.OrderPlaced(4));
					publisher.publish(FaultEvents.AGGREGATE_TYPE, fresh, new FaultEvents.OrderPlaced(1));
					publisher.publish(FaultEvents.AGGREGATE_TYPE, fresh, new FaultEvents.OrderPlaced(2));
					await().atMost(Duration.ofSeconds(30))
						.until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == 3);
					// the gap before #4 was asked for and answered: #1 to #3
					// came,
					// and were passed over as history
					await().atMost(Duration.ofSeconds(10)).until(() -> FaultReport.consumed(listener, "ignored") >= 3);
					Map<String, List<Long>> applied = FaultEvents.appliedByAggregate(jdbc, this.prefix);
					assertThat(applied).containsEntry(old, List.of(4L)).containsEntry(fresh, List.of(1L, 2L));
					assertThat(
							jdbc.queryForObject("SELECT COUNT(*) FROM message_consumer_state WHERE consumer_name = ?",
									Integer.class, billing + "/listening-since"))
						.isEqualTo(1);
				});
		});
	}

	@Test
	void aServiceThatListenedBeforeKeepsItsHistoryWhenSwitchedToFromNow() {
		Database database = Database.POSTGRESQL;
		String billing = "billing-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "0";
		withOrders(database, billing, List.of(aggregate), (jdbc, publisher) -> {
			billing(database, billing).run((first) -> {
				TestTopology.awaitConsuming(first);
				publisher.publish(FaultEvents.AGGREGATE_TYPE, aggregate, new FaultEvents.OrderPlaced(1));
				await().atMost(Duration.ofSeconds(30)).until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == 1);
			});
			publisher.publish(FaultEvents.AGGREGATE_TYPE, aggregate, new FaultEvents.OrderPlaced(2));
			publisher.publish(FaultEvents.AGGREGATE_TYPE, aggregate, new FaultEvents.OrderPlaced(3));
			billing(database, billing).withPropertyValues("eventsource.replay.catch-up-from=now").run((second) -> {
				await().atMost(Duration.ofSeconds(30)).until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == 3);
				assertThat(FaultEvents.appliedByAggregate(jdbc, this.prefix)).containsEntry(aggregate,
						List.of(1L, 2L, 3L));
			});
		});
	}

	/**
	 * Runs a test with the producing service {@code orders} (not listening) and the
	 * ledger table, and removes what the test left: rows, cursors, queues.
	 */
	private void withOrders(Database database, String billing, List<String> aggregateIds, OrdersRun run) {
		EventSourceContexts.runner(database, "orders-" + TestServices.randomSuffix())
			.withPropertyValues(SHORT_EXPIRY)
			.withPropertyValues("eventsource.listener.enabled=false")
			.run((orders) -> {
				JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
				FaultEvents.createTable(jdbc, database);
				try {
					run.run(jdbc, orders.getBean(EventPublisher.class));
				}
				finally {
					jdbc.update("DELETE FROM message_consumer_state WHERE consumer_name LIKE ?", billing + "/%");
					FaultEvents.cleanUp(orders, jdbc, TestTopology.PER_AGGREGATE, billing, this.prefix, aggregateIds);
				}
			});
	}

	private static boolean listed(RabbitTestClient rabbit, String queue) {
		try {
			rabbit.management("GET", "/queues/%2F/" + RabbitTestClient.encode(queue), null);
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	@FunctionalInterface
	private interface OrdersRun {

		void run(JdbcTemplate jdbc, EventPublisher publisher) throws Exception;

	}

	private ApplicationContextRunner billing(Database database, String service) {
		return EventSourceContexts.runner(database, service)
			.withPropertyValues(SHORT_EXPIRY)
			.withPropertyValues("eventsource.relay.enabled=false", "eventsource.replay.catch-up-on-start=true")
			.withBean(FaultEvents.Ledger.class, () -> new FaultEvents.Ledger("billing", -1))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
	}

}
