package io.eventsource.store.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the inbox's tables, {@link ProjectionPositionRepository} and
 * {@link MessageAckRepository}, on PostgreSQL and MariaDB.
 */
class InboxIntegrationTests {

	private final String aggregateType = TestServices.aggregateType("Inbox");

	private final String service = "billing-" + TestServices.randomSuffix();

	@ParameterizedTest
	@EnumSource(Database.class)
	void positionStartsAtZeroAndAdvances(Database database) {
		run(database, (context, inbox, transactions) -> {
			assertThat(position(transactions,
					() -> inbox.positions()
						.lockPosition(this.service, "ledger", this.aggregateType, "1")
						.lastSequence()))
				.isZero();
			transactions.executeWithoutResult((s) -> {
				inbox.positions().lockPosition(this.service, "ledger", this.aggregateType, "1");
				inbox.positions().advance(this.service, "ledger", event("1", 1), Instant.now());
			});
			assertThat(position(transactions,
					() -> inbox.positions()
						.lockPosition(this.service, "ledger", this.aggregateType, "1")
						.lastSequence()))
				.isEqualTo(1);
			assertThat(position(transactions,
					() -> inbox.positions()
						.lockPosition(this.service, "other", this.aggregateType, "1")
						.lastSequence()))
				.isZero();
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void advanceIfAtMovesOnlyAPositionAtTheExpectedSequenceAndNotParked(Database database) {
		run(database, (context, inbox, transactions) -> {
			boolean postgres = database == Database.POSTGRESQL;
			// from 0: inserts the position when there is none
			assertThat(advanced(transactions,
					() -> inbox.positions()
						.advanceIfAt(this.service, "ledger", this.aggregateType, "1", 0, 2, Instant.now())))
				.isEqualTo(postgres);
			long expected = postgres ? 2 : 0;
			assertThat(position(transactions,
					() -> inbox.positions()
						.lockPosition(this.service, "ledger", this.aggregateType, "1")
						.lastSequence()))
				.isEqualTo(expected);
			// not at the expected sequence: nothing moves
			assertThat(advanced(transactions,
					() -> inbox.positions()
						.advanceIfAt(this.service, "ledger", this.aggregateType, "1", expected + 1, expected + 2,
								Instant.now())))
				.isFalse();
			assertThat(
					advanced(transactions,
							() -> inbox.positions()
								.advanceIfAt(this.service, "ledger", this.aggregateType, "1", 0, 1, Instant.now())))
				.isFalse();
			assertThat(advanced(transactions, () -> inbox.positions()
				.advanceIfAt(this.service, "ledger", this.aggregateType, "1", expected, expected + 1, Instant.now())))
				.isEqualTo(postgres);
			// parked: nothing moves
			transactions.executeWithoutResult(
					(s) -> inbox.positions().setParked(this.service, "ledger", this.aggregateType, "1", true));
			long parkedAt = position(transactions,
					() -> inbox.positions()
						.lockPosition(this.service, "ledger", this.aggregateType, "1")
						.lastSequence());
			assertThat(advanced(transactions, () -> inbox.positions()
				.advanceIfAt(this.service, "ledger", this.aggregateType, "1", parkedAt, parkedAt + 1, Instant.now())))
				.isFalse();
			assertThat(position(transactions,
					() -> inbox.positions()
						.lockPosition(this.service, "ledger", this.aggregateType, "1")
						.lastSequence()))
				.isEqualTo(parkedAt);
		});
	}

	@Test
	void advanceIfAtHoldsThePositionUntilItsTransactionEndsOnPostgresql() {
		run(Database.POSTGRESQL, (context, inbox, transactions) -> {
			transactions.executeWithoutResult(
					(s) -> inbox.positions().lockPosition(this.service, "ledger", this.aggregateType, "1"));
			CountDownLatch moved = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> transactions.execute((s) -> {
				boolean result = inbox.positions()
					.advanceIfAt(this.service, "ledger", this.aggregateType, "1", 0, 1, Instant.now());
				moved.countDown();
				await(release);
				return result;
			}));
			assertThat(moved.await(10, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Long> second = CompletableFuture
				.supplyAsync(() -> transactions.execute((s) -> inbox.positions()
					.lockPosition(this.service, "ledger", this.aggregateType, "1")
					.lastSequence()));
			org.awaitility.Awaitility.await()
				.during(Duration.ofMillis(300))
				.atMost(Duration.ofSeconds(2))
				.until(() -> !second.isDone());
			release.countDown();
			assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void aHeldPositionMakesTheNextConsumerWaitAndOtherAggregatesGoOn(Database database) {
		run(database, (context, inbox, transactions) -> {
			CountDownLatch locked = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			CompletableFuture<Void> first = CompletableFuture.runAsync(() -> transactions.executeWithoutResult((s) -> {
				inbox.positions().lockPosition(this.service, "ledger", this.aggregateType, "1");
				locked.countDown();
				await(release);
				inbox.positions().advance(this.service, "ledger", event("1", 1), Instant.now());
			}));
			assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Long> second = CompletableFuture
				.supplyAsync(() -> transactions.execute((s) -> inbox.positions()
					.lockPosition(this.service, "ledger", this.aggregateType, "1")
					.lastSequence()));
			CompletableFuture<Long> other = CompletableFuture
				.supplyAsync(() -> transactions.execute((s) -> inbox.positions()
					.lockPosition(this.service, "ledger", this.aggregateType, "2")
					.lastSequence()));
			assertThat(other.get(5, TimeUnit.SECONDS)).isZero();
			org.awaitility.Awaitility.await()
				.during(Duration.ofMillis(300))
				.atMost(Duration.ofSeconds(2))
				.until(() -> !second.isDone());
			release.countDown();
			first.get(10, TimeUnit.SECONDS);
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void attemptsAndStatusAreRecordedPerEventAndProjection(Database database) {
		run(database, (context, inbox, transactions) -> {
			EventMetadata event = event("1", 1);
			String id = event.eventId().toString();
			assertThat(inbox.acks().status(id, this.service, "ledger")).isNull();
			transactions.executeWithoutResult((s) -> inbox.acks()
				.record(this.service, "ledger", event, AckStatus.FAIL, "x".repeat(5000), Instant.now()));
			transactions.executeWithoutResult(
					(s) -> inbox.acks().record(this.service, "ledger", event, AckStatus.OK, null, Instant.now()));
			assertThat(inbox.acks().status(id, this.service, "ledger")).isEqualTo(AckStatus.OK);
			assertThat(inbox.acks().attempts(id, this.service, "ledger")).isEqualTo(2);
			assertThat(inbox.acks().status(id, this.service, "other")).isNull();
			Map<String, Object> row = new JdbcTemplate(context.getBean(DataSource.class)).queryForMap(
					"SELECT aggregate_type, aggregate_id, sequence FROM message_acks WHERE message_id = ?", id);
			assertThat(row.get("aggregate_type")).isEqualTo(this.aggregateType);
			assertThat(((Number) row.get("sequence")).longValue()).isEqualTo(1);
		});
	}

	private static long position(TransactionTemplate transactions, java.util.function.LongSupplier lock) {
		Long position = transactions.execute((status) -> lock.getAsLong());
		return (position != null) ? position : -1;
	}

	private EventMetadata event(String aggregateId, long sequence) {
		return new EventMetadata(UUID.randomUUID(), this.aggregateType, aggregateId, sequence, "Charged", Instant.now(),
				"c", null, "orders", Map.of());
	}

	private void run(Database database, InboxTest test) {
		EventSourceContexts.runner(database, this.service)
			.withPropertyValues("eventsource.relay.enabled=false")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				DatabaseType databaseType = context.getBean(DatabaseType.class);
				Inbox inbox = new Inbox(new ProjectionPositionRepository(new JdbcTemplate(dataSource), databaseType),
						new MessageAckRepository(new JdbcTemplate(dataSource), databaseType));
				try {
					test.run(context, inbox, new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
				}
				finally {
					JdbcTemplate jdbc = new JdbcTemplate(dataSource);
					jdbc.update("DELETE FROM projection_positions WHERE aggregate_type = ?", this.aggregateType);
					jdbc.update("DELETE FROM message_acks WHERE aggregate_type = ?", this.aggregateType);
				}
			});
	}

	private static boolean advanced(TransactionTemplate transactions, BooleanSupplier call) {
		return Boolean.TRUE.equals(transactions.execute((status) -> call.getAsBoolean()));
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	record Inbox(ProjectionPositionRepository positions, MessageAckRepository acks) {

	}

	@FunctionalInterface
	interface InboxTest {

		void run(AssertableApplicationContext context, Inbox inbox, TransactionTemplate transactions) throws Exception;

	}

}
