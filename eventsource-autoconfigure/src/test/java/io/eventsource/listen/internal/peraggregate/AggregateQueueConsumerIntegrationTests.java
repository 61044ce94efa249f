package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.lane.BatchApplier;
import io.eventsource.listen.internal.lane.ChannelAcks;
import io.eventsource.listen.internal.lane.LaneRetries;
import io.eventsource.listen.internal.lane.DaemonThreads;
import io.eventsource.listen.internal.lane.RetryBackoff;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * {@link AggregateQueueConsumer} on a real broker, on a channel shared with another
 * consumer as the listener container shares them. The dispatcher is a mock: nothing is
 * applied here.
 */
class AggregateQueueConsumerIntegrationTests {

	private final RabbitTestClient rabbit = new RabbitTestClient();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final String suffix = TestServices.randomSuffix();

	private final String queue = "aggregate-consumer-" + this.suffix;

	private final String otherQueue = "aggregate-consumer-other-" + this.suffix;

	/** Lets go of the dispatch thread that a test holds. */
	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void cleanUp() {
		this.release.countDown();
		this.scheduler.shutdownNow();
		this.rabbit.deleteQueue(this.queue);
		this.rabbit.deleteQueue(this.otherQueue);
		this.rabbit.close();
	}

	/**
	 * The race that left an event in its queue with no consumer and no announcement: the
	 * broker delivered it just before the idle consumer's cancel, but the shared
	 * channel's dispatch thread was busy, so the cancel completed before the lane saw the
	 * delivery. The consumer has ended only once the delivery reached the lane and went
	 * back.
	 */
	@Test
	void aDeliveryDispatchedAfterTheCancelCompletedIsGivenBackBeforeTheConsumerHasEnded() {
		CountDownLatch busy = new CountDownLatch(1);
		this.rabbit.withChannel((channel) -> {
			channel.queueDeclare(this.queue, false, false, false, null);
			channel.queueDeclare(this.otherQueue, false, false, false, null);
			// another consumer on the channel holds its dispatch thread
			channel.basicConsume(this.otherQueue, true, new DefaultConsumer(channel) {

				@Override
				public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
						byte[] body) {
					busy.countDown();
					try {
						AggregateQueueConsumerIntegrationTests.this.release.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}

			});
			AggregateQueueConsumer consumer = consumer(channel);
			consumer.start();
			publish(channel, this.otherQueue);
			assertThat(awaited(busy)).isTrue();
			publish(channel, this.queue);
			// delivered to the consumer (no longer ready), its dispatch waiting
			await().atMost(Duration.ofSeconds(10)).until(() -> this.rabbit.messageCount(this.queue) == 0);
			consumer.cancel();
			this.scheduler.schedule(this.release::countDown, 300, TimeUnit.MILLISECONDS);
			consumer.awaitEnd(Duration.ofSeconds(10));
			assertThat(this.release.getCount()).as("ended only after the dispatch thread went on").isZero();
			assertThat(consumer.gaveBack()).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.rabbit.messageCount(this.queue) == 1);
		});
	}

	@Test
	void aConsumerCancelledWithNothingDeliveredEndsWithNothingGivenBack() {
		this.rabbit.withChannel((channel) -> {
			channel.queueDeclare(this.queue, false, false, false, null);
			AggregateQueueConsumer consumer = consumer(channel);
			consumer.start();
			consumer.cancel();
			consumer.awaitEnd(Duration.ofSeconds(10));
			assertThat(consumer.gaveBack()).isFalse();
			assertThat(channel.isOpen()).isTrue();
		});
	}

	private AggregateQueueConsumer consumer(Channel channel) {
		BatchApplier applier = new BatchApplier(mock(EventDispatcher.class),
				new ListenerMetrics(new SimpleMeterRegistry(), "consumer-tests"), 10, 1,
				DaemonThreads.named("consumer-tests-"));
		return new AggregateQueueConsumer("Order", "1", this.queue,
				new AggregateChannels.Consuming(channel, new ChannelAcks(channel, this.queue, this.scheduler)), applier,
				this.scheduler, new LaneRetries(Duration.ofSeconds(1),
						new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10))));
	}

	private static boolean awaited(CountDownLatch latch) {
		try {
			return latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static void publish(Channel channel, String queue) throws IOException {
		channel.basicPublish("", queue, null, "event".getBytes(StandardCharsets.UTF_8));
	}

}
