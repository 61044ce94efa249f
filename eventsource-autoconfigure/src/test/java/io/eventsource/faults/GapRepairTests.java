package io.eventsource.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import io.eventsource.actuate.internal.EventSourceEndpoint;
import io.eventsource.autoconfigure.EventSourceEndpointAutoConfiguration;
import io.eventsource.envelope.EventEnvelope;
import io.eventsource.publish.EventPublisher;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.test.FastTimings;
import io.eventsource.test.RunningContexts;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestTopology;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.SendOutcome;
import io.eventsource.topology.SendOutcomes;
import io.eventsource.topology.internal.AggregateTopologies;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.function.ThrowingConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Gap repair: the producer's relay loses 5% of the events on the way (they count as
 * confirmed and are marked relayed, but never reach the broker) and sends 10% twice. The
 * listener notices each gap when a later event of the aggregate arrives, asks the
 * producers for the missing events, and applies every event exactly once, in order per
 * aggregate.
 * <p>
 * An aggregate whose last events are lost has no later event to reveal the gap: once the
 * losses stop, the test publishes one more event on every aggregate. (A lost tail without
 * a later event needs catch-up from a cursor, which this repair is not.)
 */
class GapRepairTests {

	private final String prefix = TestServices.randomSuffix() + "-";

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void droppedEventsAreAskedForAndEveryEventIsAppliedOnceInOrder(TestTopology topology) throws Exception {
		Database database = Database.POSTGRESQL;
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 20;
		int total = 600;
		try (RunningContexts services = new RunningContexts()) {
			AssertableApplicationContext orders = services.start(
					FaultEvents.publisher(database, topology).withUserConfiguration(LossyTopologyConfiguration.class));
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			FaultEvents.createTable(jdbc);
			try {
				AssertableApplicationContext listener = services
					.start(FaultEvents.listener(database, billing, topology, "billing")
						// only the lossy relay of orders sends
						.withPropertyValues("eventsource.relay.enabled=false", "eventsource.replay.gap-timeout=500ms"));
				TestTopology.awaitConsuming(listener);
				LossyTopology lossy = orders.getBean(LossyTopology.class);
				EventPublisher publisher = orders.getBean(EventPublisher.class);
				for (int i = 0; i < total; i++) {
					publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + (i % aggregates),
							new FaultEvents.OrderPlaced(i));
				}
				await().atMost(Duration.ofSeconds(60))
					.until(() -> jdbc.queryForObject(
							"SELECT COUNT(*) FROM public_messages WHERE topic = ? AND aggregate_id LIKE ? "
									+ "AND relayed_at IS NULL",
							Integer.class, FaultEvents.AGGREGATE_TYPE, this.prefix + "%") == 0);
				lossy.losing.set(false);
				for (int i = 0; i < aggregates; i++) {
					publisher.publish(FaultEvents.AGGREGATE_TYPE, this.prefix + i,
							new FaultEvents.OrderPlaced(total + i));
				}
				int published = total + aggregates;
				await().atMost(Duration.ofSeconds(90))
					.pollInterval(Duration.ofMillis(250))
					.until(() -> FaultEvents.appliedCount(jdbc, this.prefix) >= published);
				await().during(Duration.ofSeconds(1))
					.until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == published);
				Map<String, List<Long>> applied = FaultEvents.appliedByAggregate(jdbc, this.prefix);
				assertThat(applied).hasSize(aggregates);
				FaultEvents.assertOnceInOrder(applied);
				assertThat(lossy.dropped.get()).as("dropped").isGreaterThan(10);
				assertThat(lossy.duplicated.get()).as("duplicated").isGreaterThan(20);
				double requests = listener.getBean(MeterRegistry.class)
					.find("eventsource.replay.requests")
					.counters()
					.stream()
					.mapToDouble((counter) -> counter.count())
					.sum();
				assertThat(requests).isPositive();
				FaultReport.record("5% of events lost, 10% sent twice (" + topology + ")", published,
						applied.values().stream().mapToInt(List::size).sum(),
						FaultReport.consumed(listener, "duplicate"), 0,
						lossy.dropped.get() + " lost events asked for (" + (int) requests + " requests) and replayed");
			}
			finally {
				services.closeAfter(orders);
				FaultEvents.cleanUp(orders, jdbc, topology, billing, this.prefix,
						FaultEvents.aggregateIds(this.prefix, aggregates));
			}
		}
	}

	@Test
	void aLostTailArrivesWithThePeriodicCatchUp() throws Exception {
		TestTopology topology = TestTopology.PARTITIONED;
		// from now on: the catch-up after startup sets the cursors, the periodic ones
		// bring what was lost since; no later event, no request
		loseTheTail(topology,
				(listener) -> listener.withPropertyValues("eventsource.replay.catch-up-on-start=true",
						"eventsource.replay.catch-up-from=now", "eventsource.replay.catch-up-horizon=1s",
						"eventsource.replay.catch-up-interval=2s"),
				(listener) -> {
				},
				(listener, jdbc) -> FaultReport.record(
						"last 2 events of an aggregate lost, periodic catch-up (" + topology + ")", 3,
						FaultEvents.appliedCount(jdbc, this.prefix), FaultReport.consumed(listener, "duplicate"), 0,
						"the periodic catch-up brought them from the producer's log"));
	}

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PER_AGGREGATE", "PARTITIONED" })
	void aLostTailIsReplayedOnDemandThroughTheEndpoint(TestTopology topology) throws Exception {
		loseTheTail(topology,
				(listener) -> listener
					.withConfiguration(AutoConfigurations.of(EventSourceEndpointAutoConfiguration.class))
					.withPropertyValues("management.endpoints.web.exposure.include=eventsource"),
				(listener) -> assertThat(listener.getBean(EventSourceEndpoint.class)
					.replay(FaultEvents.AGGREGATE_TYPE, this.prefix + "0")).containsEntry("requested", true),
				(listener, jdbc) -> {
				});
	}

	/**
	 * Publishes three events of one aggregate and loses the last two on the way (no later
	 * event reveals the gap), lets the test bring them back, and checks that all three
	 * are applied once, in order.
	 */
	private void loseTheTail(TestTopology topology, UnaryOperator<ApplicationContextRunner> listenerSettings,
			ThrowingConsumer<AssertableApplicationContext> bringBack,
			BiConsumer<AssertableApplicationContext, JdbcTemplate> whenApplied) throws Exception {
		Database database = Database.POSTGRESQL;
		String billing = "billing-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "0";
		try (RunningContexts services = new RunningContexts()) {
			AssertableApplicationContext orders = services.start(FaultEvents.publisher(database, topology)
				.withPropertyValues("eventsource.replay.catch-up-horizon=1s")
				.withUserConfiguration(LossyTopologyConfiguration.class));
			JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
			FaultEvents.createTable(jdbc);
			try {
				AssertableApplicationContext listener = services
					.start(listenerSettings.apply(FaultEvents.listener(database, billing, topology, "billing")
						.withPropertyValues("eventsource.relay.enabled=false")));
				TestTopology.awaitConsuming(listener);
				LossyTopology lossy = orders.getBean(LossyTopology.class);
				lossy.losing.set(false);
				EventPublisher publisher = orders.getBean(EventPublisher.class);
				publisher.publish(FaultEvents.AGGREGATE_TYPE, aggregate, new FaultEvents.OrderPlaced(1));
				await().atMost(Duration.ofSeconds(30)).until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == 1);
				lossy.dropNext.set(2);
				publisher.publish(FaultEvents.AGGREGATE_TYPE, aggregate, new FaultEvents.OrderPlaced(2));
				publisher.publish(FaultEvents.AGGREGATE_TYPE, aggregate, new FaultEvents.OrderPlaced(3));
				await().atMost(Duration.ofSeconds(30)).until(() -> lossy.dropped.get() == 2);
				bringBack.accept(listener);
				await().atMost(Duration.ofSeconds(30)).until(() -> FaultEvents.appliedCount(jdbc, this.prefix) == 3);
				FaultEvents.assertOnceInOrder(FaultEvents.appliedByAggregate(jdbc, this.prefix));
				whenApplied.accept(listener, jdbc);
			}
			finally {
				services.closeAfter(orders);
				FaultEvents.cleanUp(orders, jdbc, topology, billing, this.prefix, List.of(aggregate));
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class LossyTopologyConfiguration {

		@Bean
		LossyTopology lossyTopology(ConnectionFactory connectionFactory, ServiceRegistry registry,
				AggregateTopologies topologies) {
			return new LossyTopology(FastTimings.topology(connectionFactory, registry, topologies));
		}

	}

	/**
	 * Loses one event in twenty (reported confirmed, never sent) and sends one in ten
	 * twice, while {@link #losing} is set.
	 */
	static class LossyTopology implements EventTopology {

		final AtomicBoolean losing = new AtomicBoolean(true);

		final AtomicInteger dropped = new AtomicInteger();

		final AtomicInteger duplicated = new AtomicInteger();

		/** Events to lose next, whatever {@link #losing} says. */
		final AtomicInteger dropNext = new AtomicInteger();

		private final EventTopology delegate;

		LossyTopology(EventTopology delegate) {
			this.delegate = delegate;
		}

		@Override
		public SendOutcomes send(List<EventEnvelope> events) {
			return publish(events).await();
		}

		@Override
		public Publishing publish(List<EventEnvelope> events) {
			List<EventEnvelope> sent = new ArrayList<>();
			List<EventEnvelope> lost = new ArrayList<>();
			for (EventEnvelope event : events) {
				int draw = ThreadLocalRandom.current().nextInt(100);
				boolean forced = this.dropNext.getAndUpdate((left) -> Math.max(0, left - 1)) > 0;
				if (forced || (this.losing.get() && draw < 5)) {
					lost.add(event);
					this.dropped.incrementAndGet();
					continue;
				}
				sent.add(event);
				if (this.losing.get() && draw >= 90) {
					sent.add(event);
					this.duplicated.incrementAndGet();
				}
			}
			Publishing publishing = this.delegate.publish(sent);
			return () -> {
				SendOutcomes result = new SendOutcomes();
				result.putAll(publishing.await());
				lost.forEach((event) -> result.put(event.metadata().eventId(), SendOutcome.CONFIRMED));
				return result;
			};
		}

	}

}
