package io.eventsource.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.publish.internal.CorrelationContext;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.store.internal.StoredEvent;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link EventPublisher} on the real PostgreSQL and MariaDB: sequences, transactions,
 * options and bad input. The relay is off, so rows stay as the publisher wrote them.
 */
class EventPublisherIntegrationTests {

	private final String aggregateType = TestServices.aggregateType("Product");

	private ApplicationContextRunner runner(Database database) {
		return EventSourceContexts.runner(database, "catalog-" + TestServices.randomSuffix())
			.withPropertyValues("eventsource.relay.enabled=false");
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void sequencesAreGapFreePerAggregateFromOne(Database database) {
		runner(database).run((context) -> {
			try {
				EventPublisher publisher = context.getBean(EventPublisher.class);
				assertThat(publisher.publish(this.aggregateType, "1", new ProductCreated("A-1", "Lamp")).sequence())
					.isEqualTo(1);
				assertThat(publisher.publish(this.aggregateType, "1", new PriceChanged(10)).sequence()).isEqualTo(2);
				assertThat(publisher.publish(this.aggregateType, "2", new PriceChanged(11)).sequence()).isEqualTo(1);
				assertThat(publisher.publish(this.aggregateType, "1", new PriceChanged(12)).sequence()).isEqualTo(3);
				List<StoredEvent> rows = outbox(context).findByAggregate(this.aggregateType, "1", 1);
				assertThat(rows).extracting((row) -> row.envelope().metadata().sequence()).containsExactly(1L, 2L, 3L);
				assertThat(rows).extracting((row) -> row.envelope().metadata().eventType())
					.containsExactly("ProductCreated", "PriceChanged", "PriceChanged");
				assertThat(rows.get(0).envelope().payload()).isEqualTo("{\"sku\":\"A-1\",\"title\":\"Lamp\"}");
			}
			finally {
				cleanUp(context);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void publishedEventCarriesItsMetadata(Database database) {
		runner(database).withPropertyValues("eventsource.service-name=catalog").run((context) -> {
			try {
				EventMetadata metadata = context.getBean(EventPublisher.class)
					.publish(this.aggregateType, "9", new ProductCreated("B-2", "Desk"));
				StoredEvent row = outbox(context).findByAggregate(this.aggregateType, "9", 1).get(0);
				assertThat(row.envelope().metadata()).isEqualTo(metadata);
				assertThat(metadata.source()).isEqualTo("catalog");
				assertThat(metadata.correlationId()).isEqualTo(metadata.eventId().toString());
				assertThat(metadata.causationId()).isNull();
				assertThat(metadata.eventType()).isEqualTo("ProductCreated");
				// time-ordered: the indexes keyed by event id grow at their right edge
				assertThat(metadata.eventId().version()).isEqualTo(7);
			}
			finally {
				cleanUp(context);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void rolledBackPublishWritesNothingAndFreesTheSequence(Database database) {
		runner(database).run((context) -> {
			try {
				EventPublisher publisher = context.getBean(EventPublisher.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				transactions.executeWithoutResult((status) -> {
					publisher.publish(this.aggregateType, "1", new PriceChanged(1));
					status.setRollbackOnly();
				});
				assertThat(outbox(context).findByAggregate(this.aggregateType, "1", 1)).isEmpty();
				assertThat(publisher.publish(this.aggregateType, "1", new PriceChanged(2)).sequence()).isEqualTo(1);
			}
			finally {
				cleanUp(context);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void secondPublisherOfOneAggregateWaitsForTheFirstToCommit(Database database) {
		runner(database).run((context) -> {
			try {
				EventPublisher publisher = context.getBean(EventPublisher.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				CountDownLatch firstPublished = new CountDownLatch(1);
				CountDownLatch releaseFirst = new CountDownLatch(1);
				CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> transactions.execute((status) -> {
					long sequence = publisher.publish(this.aggregateType, "1", new PriceChanged(1)).sequence();
					firstPublished.countDown();
					awaitLatch(releaseFirst);
					return sequence;
				}));
				assertThat(firstPublished.await(10, TimeUnit.SECONDS)).isTrue();
				CompletableFuture<Long> second = CompletableFuture
					.supplyAsync(() -> publisher.publish(this.aggregateType, "1", new PriceChanged(2)).sequence());
				CompletableFuture<Long> otherAggregate = CompletableFuture
					.supplyAsync(() -> publisher.publish(this.aggregateType, "2", new PriceChanged(3)).sequence());
				assertThat(otherAggregate.get(10, TimeUnit.SECONDS)).isEqualTo(1);
				await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
				releaseFirst.countDown();
				assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
				assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(2);
			}
			finally {
				cleanUp(context);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void expectedSequenceMismatchThrowsAndWritesNothing(Database database) {
		runner(database).run((context) -> {
			try {
				EventPublisher publisher = context.getBean(EventPublisher.class);
				publisher.publish(this.aggregateType, "1", new PriceChanged(1),
						PublishOptions.defaults().expectSequence(0));
				publisher.publish(this.aggregateType, "1", new PriceChanged(2),
						PublishOptions.defaults().expectSequence(1));
				assertThatExceptionOfType(SequenceMismatchException.class)
					.isThrownBy(() -> publisher.publish(this.aggregateType, "1", new PriceChanged(3),
							PublishOptions.defaults().expectSequence(1)))
					.isInstanceOf(OptimisticLockingFailureException.class)
					.satisfies((ex) -> assertThat(ex.getActualSequence()).isEqualTo(2));
				assertThatExceptionOfType(SequenceMismatchException.class)
					.isThrownBy(() -> publisher.publish(this.aggregateType, "1", new PriceChanged(3),
							PublishOptions.defaults().expectSequence(0)));
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				transactions.executeWithoutResult((status) -> {
					assertThatExceptionOfType(SequenceMismatchException.class)
						.isThrownBy(() -> publisher.publish(this.aggregateType, "1", new PriceChanged(4),
								PublishOptions.defaults().expectSequence(5)));
					publisher.publish(this.aggregateType, "1", new PriceChanged(5));
				});
				assertThat(outbox(context).findByAggregate(this.aggregateType, "1", 1))
					.extracting((row) -> row.envelope().metadata().sequence())
					.containsExactly(1L, 2L, 3L);
			}
			finally {
				cleanUp(context);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void badInputIsRejectedAndWritesNothing(Database database) {
		runner(database).run((context) -> {
			try {
				EventPublisher publisher = context.getBean(EventPublisher.class);
				assertThatIllegalArgumentException().isThrownBy(() -> publisher.publish(" ", "1", new PriceChanged(1)))
					.withMessageContaining("aggregateType");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> publisher.publish(this.aggregateType, "", new PriceChanged(1)))
					.withMessageContaining("aggregateId");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> publisher.publish(this.aggregateType, "a b", new PriceChanged(1)))
					.withMessageContaining("aggregateId");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> publisher.publish(this.aggregateType, "x".repeat(129), new PriceChanged(1)))
					.withMessageContaining("aggregateId");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> publisher.publish("Product-" + this.aggregateType, "1", new PriceChanged(1)))
					.withMessageContaining("aggregateType");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> publisher.publish(this.aggregateType, "1", new Unserializable()))
					.withMessageContaining("'event'");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> publisher.publish(this.aggregateType, "1", new OrderPlaced("o-1")))
					.withMessageContaining("Order");
				assertThatIllegalArgumentException().isThrownBy(() -> publisher.publish(this.aggregateType, "1",
						new PriceChanged(1), PublishOptions.defaults().withHeader("Tenant-Id", "a")))
					.withMessageContaining("Tenant-Id");
				assertThat(outbox(context).findByAggregate(this.aggregateType, "1", 1)).isEmpty();
				assertThat(context.getBean(EventPublisher.class)
					.publish(this.aggregateType, "1", new PriceChanged(1))
					.sequence()).isEqualTo(1);
			}
			finally {
				cleanUp(context);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void correlationFollowsTheHandledEventAndTheOptions(Database database) {
		runner(database).withUserConfiguration(TenantDecoratorConfiguration.class).run((context) -> {
			try {
				EventPublisher publisher = context.getBean(EventPublisher.class);
				EventMetadata started = publisher.publish(this.aggregateType, "1", new PriceChanged(1),
						PublishOptions.defaults().withCorrelationId("order-19").withHeader("channel", "web"));
				assertThat(started.correlationId()).isEqualTo("order-19");
				EventMetadata caused = CorrelationContext.callWith(started,
						() -> publisher.publish(this.aggregateType, "2", new PriceChanged(2)));
				assertThat(caused.correlationId()).isEqualTo("order-19");
				assertThat(caused.causationId()).isEqualTo(started.eventId().toString());
				UUID eventId = UUID.randomUUID();
				EventMetadata withId = publisher.publish(this.aggregateType, "3", new PriceChanged(3),
						PublishOptions.defaults().withEventId(eventId));
				assertThat(withId.eventId()).isEqualTo(eventId);
				StoredEvent row = outbox(context).findByAggregate(this.aggregateType, "1", 1).get(0);
				assertThat(row.envelope().metadata().headers()).isEqualTo(Map.of("channel", "web", "tenant", "acme"));
				assertThat(outbox(context).findByAggregate(this.aggregateType, "2", 1).get(0).envelope().metadata())
					.isEqualTo(caused);
			}
			finally {
				cleanUp(context);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void aMismatchOnAMissingAggregateDoesNotHoldUpOtherNewAggregates(Database database) {
		runner(database).run((context) -> {
			try {
				EventPublisher publisher = context.getBean(EventPublisher.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				CountDownLatch mismatched = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				CompletableFuture<Void> first = CompletableFuture
					.runAsync(() -> transactions.executeWithoutResult((s) -> {
						assertThatExceptionOfType(SequenceMismatchException.class)
							.isThrownBy(() -> publisher.publish(this.aggregateType, "m", new PriceChanged(1),
									PublishOptions.defaults().expectSequence(3)));
						mismatched.countDown();
						awaitLatch(release);
					}));
				assertThat(mismatched.await(10, TimeUnit.SECONDS)).isTrue();
				CompletableFuture<Long> other = CompletableFuture
					.supplyAsync(() -> publisher.publish(this.aggregateType, "n", new PriceChanged(2)).sequence());
				assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo(1);
				release.countDown();
				first.get(10, TimeUnit.SECONDS);
			}
			finally {
				cleanUp(context);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void aTransactionOfAnotherResourceIsRefused(Database database) {
		runner(database).run((context) -> {
			try {
				EventPublisher publisher = context.getBean(EventPublisher.class);
				new TransactionTemplate(new ForeignTransactionManager())
					.executeWithoutResult((status) -> org.assertj.core.api.Assertions.assertThatIllegalStateException()
						.isThrownBy(() -> publisher.publish(this.aggregateType, "1", new PriceChanged(1)))
						.withMessageContaining("DataSource"));
				assertThat(outbox(context).findByAggregate(this.aggregateType, "1", 1)).isEmpty();
			}
			finally {
				cleanUp(context);
			}
		});
	}

	private static PublicMessageRepository outbox(AssertableApplicationContext context) {
		return context.getBean(PublicMessageRepository.class);
	}

	private void cleanUp(AssertableApplicationContext context) {
		JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
		TestCleanUp.deleteEvents(jdbc, this.aggregateType);
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A transaction manager of some other resource, as a {@code RabbitTransactionManager}
	 * would be.
	 */
	static class ForeignTransactionManager
			extends org.springframework.transaction.support.AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, org.springframework.transaction.TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(org.springframework.transaction.support.DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(org.springframework.transaction.support.DefaultTransactionStatus status) {
		}

	}

	@EventType(name = "ProductCreated")
	record ProductCreated(String sku, String title) {
	}

	record PriceChanged(int price) {
	}

	@EventType(aggregate = "Order")
	record OrderPlaced(String orderId) {
	}

	static class Unserializable {

		public Object getSelf() {
			return this;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TenantDecoratorConfiguration {

		@Bean
		MessageDecorator tenantDecorator() {
			return (EventEnvelope envelope) -> envelope.withHeader("tenant", "acme");
		}

	}

}
