package io.eventsource.listen.internal.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import javax.sql.DataSource;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.internal.dispatch.ReceivedEvent;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventDispatcher#dispatchAll} on the real databases: the position of a
 * run of consecutive events, which PostgreSQL moves past the whole run when it locks it,
 * ends at the last event applied, also when the rest of the run is withdrawn.
 */
class EventDispatcherIntegrationTests {

	static final String AGGREGATE_TYPE = "DispatcherTestOrder";

	private final String service = "dispatch-" + TestServices.randomSuffix();

	private final String aggregateId = TestServices.randomSuffix();

	@ParameterizedTest
	@EnumSource(Database.class)
	void aRunOfEventsEndsAtTheLastOneAppliedAndEachIsAppliedOnce(Database database) {
		Handled handled = new Handled();
		EventSourceContexts.runner(database, this.service).withBean(Handled.class, () -> handled).run((context) -> {
			EventDispatcher dispatcher = context.getBean(EventDispatcher.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			try {
				// the rest of the run withdrawn (its consumer cancelled): back to 1
				assertThat(dispatcher.dispatchAll(List.of(event(1), event(2), event(3)),
						(event) -> event.metadata().sequence() > 1))
					.containsExactly(DispatchOutcome.OK, null, null);
				assertThat(position(jdbc)).isEqualTo(1);
				assertThat(dispatcher.dispatchAll(List.of(event(2), event(3)), none()))
					.containsExactly(DispatchOutcome.OK, DispatchOutcome.OK);
				assertThat(position(jdbc)).isEqualTo(3);
				// a whole run, then one that starts with what was applied
				assertThat(dispatcher.dispatchAll(List.of(event(4), event(5), event(6)), none()))
					.containsExactly(DispatchOutcome.OK, DispatchOutcome.OK, DispatchOutcome.OK);
				assertThat(dispatcher.dispatchAll(List.of(event(5), event(6), event(7)), none()))
					.containsExactly(DispatchOutcome.DUPLICATE, DispatchOutcome.DUPLICATE, DispatchOutcome.OK);
				assertThat(position(jdbc)).isEqualTo(7);
				// a gap in the run: applied up to it
				assertThat(dispatcher.dispatchAll(List.of(event(8), event(10)), none()))
					.containsExactly(DispatchOutcome.OK, DispatchOutcome.GAP);
				assertThat(position(jdbc)).isEqualTo(8);
				assertThat(handled.sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
			}
			finally {
				TestCleanUp.deleteInbox(jdbc, this.service);
				TestCleanUp.forgetService(context, AGGREGATE_TYPE, this.service);
				TestTopology.PER_AGGREGATE.cleanUp(AGGREGATE_TYPE, this.service, List.of(this.aggregateId));
			}
		});
	}

	private long position(JdbcTemplate jdbc) {
		Long position = jdbc.queryForObject(
				"SELECT last_sequence FROM projection_positions WHERE service = ? AND projection = 'ledger' "
						+ "AND aggregate_type = ? AND aggregate_id = ?",
				Long.class, this.service, AGGREGATE_TYPE, this.aggregateId);
		return (position != null) ? position : -1;
	}

	private static Predicate<ReceivedEvent> none() {
		return (event) -> false;
	}

	private ReceivedEvent event(long sequence) {
		UUID id = UUID.nameUUIDFromBytes((this.aggregateId + "#" + sequence).getBytes(StandardCharsets.UTF_8));
		EventMetadata metadata = new EventMetadata(id, AGGREGATE_TYPE, this.aggregateId, sequence, "Placed",
				Instant.now(), id.toString(), null, "orders", Map.of());
		return new ReceivedEvent(metadata, ("{\"n\":" + sequence + "}").getBytes(StandardCharsets.UTF_8));
	}

	@EventType(name = "Placed", aggregate = AGGREGATE_TYPE)
	record Placed(long n) {
	}

	static class Handled {

		final List<Long> sequences = new CopyOnWriteArrayList<>();

		@EventSourceListener(projection = "ledger")
		void placed(Placed event, EventMetadata metadata) {
			assertThat(event.n()).isEqualTo(metadata.sequence());
			this.sequences.add(metadata.sequence());
		}

	}

}
