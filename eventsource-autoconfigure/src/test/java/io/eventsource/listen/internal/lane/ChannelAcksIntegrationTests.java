package io.eventsource.listen.internal.lane;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ChannelAcks} on a real broker: the deliveries are taken with {@code basic.get}
 * on a channel of the plain client, settled through {@code ChannelAcks}, and what the
 * broker still holds is counted after the channel closed (every unsettled delivery goes
 * back to the queue). The channel is wrapped only to record the acks and rejects it
 * passes on.
 */
class ChannelAcksIntegrationTests {

	private final RabbitTestClient rabbit = new RabbitTestClient();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final String queue = "channel-acks-" + TestServices.randomSuffix();

	private final List<String> sent = new CopyOnWriteArrayList<>();

	@BeforeEach
	void declare() {
		this.rabbit.declareQueue(this.queue);
	}

	@AfterEach
	void cleanUp() {
		this.scheduler.shutdownNow();
		this.rabbit.close();
	}

	@Test
	void aBatchOfDoneDeliveriesIsAcknowledgedWithOneMultipleAck() {
		this.rabbit.withChannel((plain) -> {
			Channel channel = recording(plain);
			List<Long> tags = receive(plain, 5);
			ChannelAcks acks = new ChannelAcks(channel, this.queue, this.scheduler, Duration.ofMinutes(1));
			tags.forEach(acks::received);
			tags.forEach(acks::done);
			acks.flush();
			assertThat(this.sent).containsExactly("ack " + tags.get(4) + " multiple");
			assertThat(acks.unsettled()).isZero();
		});
		assertQueued(0);
	}

	@Test
	void anOpenDeliveryStopsTheMultipleAckAndHoldsTheDoneOnesBehindIt() {
		this.rabbit.withChannel((plain) -> {
			Channel channel = recording(plain);
			List<Long> tags = receive(plain, 5);
			ChannelAcks acks = new ChannelAcks(channel, this.queue, this.scheduler, Duration.ofMinutes(1));
			tags.forEach(acks::received);
			acks.done(tags.get(0));
			acks.done(tags.get(1));
			acks.done(tags.get(3));
			acks.flush();
			assertThat(this.sent).containsExactly("ack " + tags.get(1) + " multiple");
			assertThat(acks.unsettled()).isEqualTo(3);
		});
		// the open deliveries and the held one went back to the queue with the channel
		assertQueued(3);
	}

	@Test
	void aRequeuedDeliveryIsRejectedAloneAndNoLongerHoldsTheOthers() {
		this.rabbit.withChannel((plain) -> {
			Channel channel = recording(plain);
			List<Long> tags = receive(plain, 4);
			ChannelAcks acks = new ChannelAcks(channel, this.queue, this.scheduler, Duration.ofMinutes(1));
			tags.forEach(acks::received);
			acks.done(tags.get(1));
			acks.done(tags.get(2));
			acks.flush();
			assertThat(this.sent).isEmpty();
			acks.requeue(tags.get(0));
			acks.flush();
			assertThat(this.sent).containsExactly("nack " + tags.get(0), "ack " + tags.get(2) + " multiple");
			assertOpen(plain);
		});
		// the requeued one and the last, never done
		assertQueued(2);
	}

	@Test
	void doneDeliveriesBehindOnlyStalledOnesAreAcknowledgedAloneAtOnce() {
		this.rabbit.withChannel((plain) -> {
			Channel channel = recording(plain);
			List<Long> tags = receive(plain, 5);
			ChannelAcks acks = new ChannelAcks(channel, this.queue, this.scheduler, Duration.ofMinutes(1));
			tags.forEach(acks::received);
			acks.stalled(tags.get(0));
			acks.done(tags.get(1));
			acks.done(tags.get(2));
			acks.done(tags.get(4));
			acks.flush();
			// the open delivery before the last holds it back
			assertThat(this.sent).containsExactly("ack " + tags.get(1), "ack " + tags.get(2));
			acks.done(tags.get(0));
			acks.done(tags.get(3));
			acks.flush();
			assertThat(this.sent).endsWith("ack " + tags.get(4) + " multiple");
			assertThat(acks.unsettled()).isZero();
			assertOpen(plain);
		});
		assertQueued(0);
	}

	@Test
	void doneDeliveriesHeldBehindAnOpenOneAreAcknowledgedAloneAfterTheHold() {
		this.rabbit.withChannel((plain) -> {
			Channel channel = recording(plain);
			List<Long> tags = receive(plain, 3);
			ChannelAcks acks = new ChannelAcks(channel, this.queue, this.scheduler, Duration.ofMillis(20));
			tags.forEach(acks::received);
			acks.done(tags.get(1));
			acks.done(tags.get(2));
			acks.flush();
			assertThat(this.sent).isEmpty();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(this.sent).containsExactly("ack " + tags.get(1), "ack " + tags.get(2)));
			acks.done(tags.get(0));
			acks.flush();
			assertThat(this.sent).endsWith("ack " + tags.get(0) + " multiple");
			assertThat(acks.unsettled()).isZero();
			assertOpen(plain);
		});
		assertQueued(0);
	}

	@Test
	void releaseAcknowledgesEveryDoneDeliveryBeforeTheChannelCloses() {
		this.rabbit.withChannel((plain) -> {
			List<Long> tags = receive(plain, 4);
			ChannelAcks acks = new ChannelAcks(recording(plain), this.queue, this.scheduler, Duration.ofMinutes(1));
			tags.forEach(acks::received);
			acks.done(tags.get(1));
			acks.done(tags.get(3));
			acks.release();
			assertThat(this.sent).containsExactly("ack " + tags.get(1), "ack " + tags.get(3));
		});
		assertQueued(2);
	}

	/**
	 * Workers settle the deliveries of one channel in parallel and out of order, as the
	 * batches of several aggregates of one partition do: the broker never sees an ack or
	 * reject of a delivery already settled (it would close the channel), and every
	 * delivery ends either acknowledged or back in the queue.
	 */
	@Test
	void parallelBatchesSettleEveryDeliveryExactlyOnceOnTheBroker() throws Exception {
		int count = 400;
		List<Long> requeued = new CopyOnWriteArrayList<>();
		this.rabbit.withChannel((plain) -> {
			List<Long> tags = receive(plain, count);
			ChannelAcks acks = new ChannelAcks(recording(plain), this.queue, this.scheduler, Duration.ofMillis(2));
			tags.forEach(acks::received);
			List<Long> shuffled = new ArrayList<>(tags);
			Collections.shuffle(shuffled);
			ExecutorService workers = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> batches = new ArrayList<>();
				for (int from = 0; from < count; from += 25) {
					List<Long> batch = shuffled.subList(from, from + 25);
					batches.add(workers.submit(() -> {
						for (long tag : batch) {
							int dice = ThreadLocalRandom.current().nextInt(10);
							if (dice == 0) {
								requeued.add(tag);
								acks.requeue(tag);
							}
							else if (dice == 1) {
								// kept for a retry, then done
								acks.stalled(tag);
								acks.flush();
								acks.done(tag);
							}
							else {
								acks.done(tag);
							}
						}
						acks.flush();
					}));
				}
				for (Future<?> batch : batches) {
					batch.get(30, TimeUnit.SECONDS);
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				workers.shutdown();
			}
			acks.release();
			assertThat(acks.unsettled()).isZero();
			// the broker accepted every ack and reject
			assertOpen(plain);
			long multiple = this.sent.stream().filter((call) -> call.endsWith("multiple")).count();
			assertThat(multiple).isPositive();
		});
		assertQueued(requeued.size());
	}

	private void assertQueued(int expected) {
		// the broker gives the unsettled deliveries of a closed channel back
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.rabbit.messageCount(this.queue)).isEqualTo(expected));
	}

	/**
	 * Asserts with a round trip that the broker did not close the channel (it does so
	 * asynchronously, for an ack of a delivery it does not know).
	 */
	private void assertOpen(Channel channel) throws IOException {
		channel.queueDeclarePassive(this.queue);
		assertThat(channel.isOpen()).isTrue();
	}

	private List<Long> receive(Channel channel, int count) throws IOException {
		for (int i = 0; i < count; i++) {
			channel.basicPublish("", this.queue, null, ("m" + i).getBytes());
		}
		List<Long> tags = new ArrayList<>();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			GetResponse response;
			while (tags.size() < count && (response = channel.basicGet(this.queue, false)) != null) {
				tags.add(response.getEnvelope().getDeliveryTag());
			}
			return tags.size() == count;
		});
		return tags;
	}

	/**
	 * Wraps the real channel to record the acks and rejects passed on to it.
	 */
	private Channel recording(Channel channel) {
		return (Channel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Channel.class },
				(proxy, method, args) -> {
					if (method.getName().equals("basicAck")) {
						this.sent.add("ack " + args[0] + (((Boolean) args[1]) ? " multiple" : ""));
					}
					else if (method.getName().equals("basicNack")) {
						this.sent.add("nack " + args[0]);
					}
					try {
						return method.invoke(channel, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}
