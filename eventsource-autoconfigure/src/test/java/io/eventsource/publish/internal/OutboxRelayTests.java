package io.eventsource.publish.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.sql.DataSource;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.publish.EventPublisher;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.SendOutcome;
import io.eventsource.topology.SendOutcomes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay's marking rules on the real database, with a topology whose outcomes the test
 * chooses: per aggregate only a run of confirmed events in sequence order is marked, a
 * failing aggregate does not stop the others, and it is retried with a back-off; a relay
 * that is caught up publishes what commits next without waiting for the confirms of what
 * it sent before.
 */
class OutboxRelayTests {

	private final String aggregateType = TestServices.aggregateType("Relay");

	@Test
	void laterEventsOfAnAggregateWaitForAnUnconfirmedOne() {
		run(Duration.ofMillis(100), (context, topology, relay) -> {
			EventPublisher publisher = context.getBean(EventPublisher.class);
			EventMetadata a1 = publisher.publish(this.aggregateType, "A", new Changed(1));
			EventMetadata a2 = publisher.publish(this.aggregateType, "A", new Changed(2));
			EventMetadata b1 = publisher.publish(this.aggregateType, "B", new Changed(1));
			topology.outcome = (event) -> event.eventId().equals(a1.eventId()) ? SendOutcome.NACKED
					: SendOutcome.CONFIRMED;
			relay.relayPending();
			assertThat(relayed(context)).containsExactly("B#1");
			assertThat(topology.sent).containsSubsequence("A#1", "A#2", "B#1");

			topology.sent.clear();
			topology.outcome = (event) -> SendOutcome.CONFIRMED;
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				relay.relayPending();
				return relayed(context).size() == 3;
			});
			assertThat(topology.sent).containsExactly("A#1", "A#2");
			assertThat(relayed(context)).containsExactlyInAnyOrder("A#1", "A#2", "B#1");
			assertThat(a2.sequence()).isEqualTo(2);
			assertThat(b1.sequence()).isEqualTo(1);
		});
	}

	@Test
	void anAggregateThatKeepsFailingDoesNotStopTheOthersAndIsRetriedWithBackoff() {
		run(Duration.ofMinutes(1), (context, topology, relay) -> {
			EventPublisher publisher = context.getBean(EventPublisher.class);
			for (int i = 0; i < 7; i++) {
				publisher.publish(this.aggregateType, "A", new Changed(i));
			}
			for (int i = 0; i < 3; i++) {
				publisher.publish(this.aggregateType, "B", new Changed(i));
			}
			topology.outcome = (event) -> event.aggregateId().equals("A") ? SendOutcome.FAILED : SendOutcome.CONFIRMED;
			relay.relayPending();
			assertThat(relayed(context)).containsExactly("B#1", "B#2", "B#3");
			assertThat(topology.sent.stream().filter((sent) -> sent.equals("A#1")).count())
				.as("A#1 sent once and retried at once, then backing off")
				.isEqualTo(2);
			topology.sent.clear();
			relay.relayPending();
			assertThat(topology.sent).doesNotContain("A#1");
		});
	}

	@Test
	void pagesThatFailAsAWholeBackNoAggregateOffSoThatAllGoOutOnceTheBrokerIsBack() {
		run(Duration.ofMinutes(1), (context, topology, relay) -> {
			EventPublisher publisher = context.getBean(EventPublisher.class);
			publisher.publish(this.aggregateType, "A", new Changed(1));
			publisher.publish(this.aggregateType, "B", new Changed(1));
			// the broker is down: every event of every page fails, pass after pass
			topology.outcome = (event) -> SendOutcome.FAILED;
			topology.unreachable = true;
			for (int pass = 0; pass < 4; pass++) {
				relay.relayPending();
			}
			assertThat(relayed(context)).isEmpty();
			topology.outcome = (event) -> SendOutcome.CONFIRMED;
			topology.unreachable = false;
			topology.sent.clear();
			relay.relayPending();
			assertThat(relayed(context)).as("sent on the first pass after the outage, none waiting out a backoff")
				.containsExactlyInAnyOrder("A#1", "B#1");
		});
	}

	@Test
	void anAggregateAloneInItsPagesIsNotBackedOffWhileTheBrokerIsAway() {
		run(Duration.ofMinutes(1), (context, topology, relay) -> {
			context.getBean(EventPublisher.class).publish(this.aggregateType, "A", new Changed(1));
			topology.outcome = (event) -> SendOutcome.FAILED;
			topology.unreachable = true;
			for (int pass = 0; pass < 4; pass++) {
				relay.relayPending();
			}
			topology.outcome = (event) -> SendOutcome.CONFIRMED;
			topology.unreachable = false;
			relay.relayPending();
			assertThat(relayed(context)).as("sent on the first pass after the outage").containsExactly("A#1");
		});
	}

	@Test
	void aRowCommittedWhileAPageWaitsForItsConfirmsIsPublishedAtOnce() {
		run(Duration.ofMinutes(1), (context, topology, relay) -> {
			EventPublisher publisher = context.getBean(EventPublisher.class);
			publisher.publish(this.aggregateType, "A", new Changed(1));
			CountDownLatch confirms = new CountDownLatch(1);
			topology.confirms = confirms;
			ExecutorService pass = Executors.newSingleThreadExecutor();
			try {
				Future<Integer> marked = pass.submit(relay::relayPending);
				await().atMost(Duration.ofSeconds(10)).until(() -> topology.sent.contains("A#1"));
				publisher.publish(this.aggregateType, "B", new Changed(1));
				relay.wakeUp();
				await().atMost(Duration.ofSeconds(10)).until(() -> topology.sent.contains("B#1"));
				assertThat(confirms.getCount()).as("A#1 still waits for its confirm").isEqualTo(1);
				assertThat(relayed(context)).isEmpty();
				confirms.countDown();
				assertThat(marked.get(10, TimeUnit.SECONDS)).isEqualTo(2);
				assertThat(relayed(context)).containsExactly("A#1", "B#1");
			}
			finally {
				confirms.countDown();
				pass.shutdownNow();
			}
		});
	}

	private void run(Duration pollInterval, RelayTest test) {
		EventSourceContexts.runner(Database.POSTGRESQL, "relay-" + TestServices.randomSuffix())
			.withPropertyValues("eventsource.relay.enabled=false")
			.run((context) -> {
				ScriptedTopology topology = new ScriptedTopology(this.aggregateType);
				DataSource dataSource = context.getBean(DataSource.class);
				OutboxRelay relay = new OutboxRelay(context.getBean(PublicMessageRepository.class), topology,
						new DataSourceTransactionManager(dataSource),
						new RelaySettings(Duration.ofSeconds(5), 2, pollInterval),
						new RelayMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
				try {
					test.run(context, topology, relay);
				}
				finally {
					JdbcTemplate jdbc = new JdbcTemplate(dataSource);
					TestCleanUp.deleteEvents(jdbc, this.aggregateType);
				}
			});
	}

	private List<String> relayed(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class))
			.queryForList("SELECT aggregate_id || '#' || sequence FROM public_messages WHERE topic = ? "
					+ "AND relayed_at IS NOT NULL ORDER BY id", String.class, this.aggregateType);
	}

	@FunctionalInterface
	interface RelayTest {

		void run(AssertableApplicationContext context, ScriptedTopology topology, OutboxRelay relay) throws Exception;

	}

	/**
	 * Answers with the outcomes the test chooses for its own aggregate type, and leaves
	 * every other row (other tests' leftovers) unconfirmed, so that it is never marked
	 * here.
	 */
	static class ScriptedTopology implements EventTopology {

		private final String aggregateType;

		final List<String> sent = Collections.synchronizedList(new ArrayList<>());

		volatile Function<EventMetadata, SendOutcome> outcome = (event) -> SendOutcome.CONFIRMED;

		/** Whether each call reports the broker away, as the real topologies do. */
		volatile boolean unreachable;

		/** The confirms of what is published are in once this is counted down. */
		volatile CountDownLatch confirms = new CountDownLatch(0);

		ScriptedTopology(String aggregateType) {
			this.aggregateType = aggregateType;
		}

		@Override
		public Publishing publish(List<EventEnvelope> events) {
			CountDownLatch held = this.confirms;
			SendOutcomes result = send(events);
			return Publishing.of(() -> {
				try {
					held.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return result;
			}, () -> held.getCount() == 0);
		}

		@Override
		public SendOutcomes send(List<EventEnvelope> events) {
			SendOutcomes result = new SendOutcomes();
			Set<String> seen = new HashSet<>();
			for (EventEnvelope event : events) {
				EventMetadata metadata = event.metadata();
				if (!metadata.aggregateType().equals(this.aggregateType)) {
					result.put(metadata.eventId(), SendOutcome.FAILED);
					continue;
				}
				seen.add(metadata.aggregateId());
				this.sent.add(metadata.aggregateId() + "#" + metadata.sequence());
				result.put(metadata.eventId(), this.outcome.apply(metadata));
			}
			if (this.unreachable) {
				result.unreachable();
			}
			return result;
		}

	}

	record Changed(int value) {
	}

}
