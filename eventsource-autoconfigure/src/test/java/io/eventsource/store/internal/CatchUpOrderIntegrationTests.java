package io.eventsource.store.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.publish.EventPublisher;
import io.eventsource.replay.internal.CatchUpCursor;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The catch-up cursor never skips an event whose transaction committed after a later
 * event's: two transactions commit in the opposite order of their row ids, and paging
 * through the log in {@code (relayed_at, id)} order after a cursor returns both, the
 * later-committed one on the next page.
 */
class CatchUpOrderIntegrationTests {

	@ParameterizedTest
	@EnumSource(Database.class)
	void aRowCommittedAfterALaterRowIsNotSkipped(Database database) {
		String type = "CatchUpOrder" + TestServices.randomSuffix();
		EventSourceContexts.runner(database, "orders-" + TestServices.randomSuffix())
			.withPropertyValues("eventsource.relay.poll-interval=100ms", "eventsource.listener.enabled=false")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				JdbcTemplate jdbc = new JdbcTemplate(dataSource);
				EventPublisher publisher = context.getBean(EventPublisher.class);
				PublicMessageRepository outbox = context.getBean(PublicMessageRepository.class);
				try {
					CountDownLatch inserted = new CountDownLatch(1);
					CountDownLatch commit = new CountDownLatch(1);
					TransactionTemplate transactions = new TransactionTemplate(
							new DataSourceTransactionManager(dataSource));
					CompletableFuture<EventMetadata> first = CompletableFuture
						.supplyAsync(() -> transactions.execute((status) -> {
							EventMetadata metadata = publisher.publish(type, "first", new Noted("first"));
							inserted.countDown();
							await().atMost(Duration.ofSeconds(30)).until(() -> commit.getCount() == 0);
							return metadata;
						}));
					assertThat(inserted.await(30, TimeUnit.SECONDS)).isTrue();
					EventMetadata second = publisher.publish(type, "second", new Noted("second"));
					await().atMost(Duration.ofSeconds(30)).until(() -> relayed(jdbc, second) != null);

					List<RelayedEvent> page = outbox.findRelayedAfter(type, CatchUpCursor.BEGINNING.relayedAt(),
							CatchUpCursor.BEGINNING.id(), Instant.now().plusSeconds(5), 10);
					assertThat(page).extracting((row) -> row.event().envelope().metadata().eventId())
						.containsExactly(second.eventId());
					RelayedEvent last = page.get(page.size() - 1);

					commit.countDown();
					EventMetadata firstMetadata = first.get(30, TimeUnit.SECONDS);
					await().atMost(Duration.ofSeconds(30)).until(() -> relayed(jdbc, firstMetadata) != null);
					List<RelayedEvent> next = outbox.findRelayedAfter(type, last.relayedAt(), last.event().id(),
							Instant.now().plusSeconds(5), 10);
					assertThat(next).extracting((row) -> row.event().envelope().metadata().eventId())
						.containsExactly(firstMetadata.eventId());
					// the commit order was the opposite of the ids
					assertThat(next.get(0).event().id()).isLessThan(last.event().id());
				}
				finally {
					TestCleanUp.deleteEvents(jdbc, type);
				}
			});
	}

	private static Object relayed(JdbcTemplate jdbc, EventMetadata metadata) {
		List<Object> relayedAt = jdbc.queryForList("SELECT relayed_at FROM public_messages WHERE message_id = ?",
				Object.class, metadata.eventId().toString());
		return relayedAt.isEmpty() ? null : relayedAt.get(0);
	}

	record Noted(String text) {
	}

}
