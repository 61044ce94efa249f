package io.eventsource.listen.internal.peraggregate;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.rabbitmq.client.Channel;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.publish.EventPublisher;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.topology.PerAggregateNames;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the per-aggregate topology looks like on the broker itself, read through the
 * management HTTP API and passive declarations: names and arguments, the idle consumer
 * cancelled, the queue expiring and its exchange deleting itself, with short timings.
 */
class PerAggregateTopologyOnTheBrokerIntegrationTests {

	static final String AGGREGATE_TYPE = "BrokerTestOrder";

	private final JsonMapper json = JsonMapper.builder().build();

	private ApplicationContextRunner runner(String service) {
		return EventSourceContexts.runner(Database.POSTGRESQL, service)
			.withPropertyValues("eventsource.relay.poll-interval=200ms", "eventsource.per-aggregate.queue-expiry=4s",
					"eventsource.per-aggregate.declaration-cache-ttl=2s",
					"eventsource.per-aggregate.announce-interval=300ms",
					"eventsource.per-aggregate.consumer-idle-timeout=1s", "eventsource.registry.heartbeat-interval=1s");
	}

	@Test
	void namesArgumentsIdleCancelExpiryAndAutoDelete() {
		String billing = "billing-" + TestServices.randomSuffix();
		String id = TestServices.randomSuffix();
		String queue = PerAggregateNames.aggregateQueue(AGGREGATE_TYPE, id, billing);
		String exchange = PerAggregateNames.aggregateExchange(AGGREGATE_TYPE, id);
		String idsQueue = PerAggregateNames.aggregateIdsQueue(AGGREGATE_TYPE, billing);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			runner("orders-" + TestServices.randomSuffix()).run((orders) -> {
				JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
				try {
					runner(billing).withBean(Counter.class, Counter::new).run((listener) -> {
						await().atMost(Duration.ofSeconds(30))
							.until(() -> listener.getBean(PerAggregateListenerContainer.class).isConsuming());
						orders.getBean(EventPublisher.class).publish(AGGREGATE_TYPE, id, new Shipped(1));
						Counter counter = listener.getBean(Counter.class);
						await().atMost(Duration.ofSeconds(30)).until(() -> counter.count == 1);

						JsonNode queueInfo = this.json
							.readTree(rabbit.management("GET", "/queues/%2F/" + RabbitTestClient.encode(queue), null));
						assertThat(queueInfo.path("durable").asBoolean()).isTrue();
						assertThat(queueInfo.path("arguments").path("x-expires").asInt()).isEqualTo(4000);
						assertThat(queueInfo.path("arguments").path("x-single-active-consumer").asBoolean()).isTrue();
						JsonNode exchangeInfo = this.json.readTree(
								rabbit.management("GET", "/exchanges/%2F/" + RabbitTestClient.encode(exchange), null));
						assertThat(exchangeInfo.path("type").asString()).isEqualTo("fanout");
						assertThat(exchangeInfo.path("auto_delete").asBoolean()).isTrue();
						JsonNode idsQueueInfo = this.json.readTree(
								rabbit.management("GET", "/queues/%2F/" + RabbitTestClient.encode(idsQueue), null));
						assertThat(idsQueueInfo.path("durable").asBoolean()).isTrue();
						assertThat(rabbit.management("GET",
								"/exchanges/%2F/"
										+ RabbitTestClient
											.encode(PerAggregateNames.aggregateIdsExchange(AGGREGATE_TYPE))
										+ "/bindings/source",
								null))
							.contains("\"destination\":\"" + idsQueue + "\"");

						await().atMost(Duration.ofSeconds(15)).until(() -> consumers(rabbit, queue) == 0);
						assertThat(listener.getBean(PerAggregateListenerContainer.class).activeConsumers()).isZero();
						// a passive declaration would renew the queue's lease: watch it
						// through the management API
						await().atMost(Duration.ofSeconds(30)).until(() -> !rabbit.managementKnowsQueue(queue));
						await().atMost(Duration.ofSeconds(10)).until(() -> !rabbit.exchangeExists(exchange));
					});
				}
				finally {
					cleanUp(orders, rabbit, billing, id);
				}
			});
		}
	}

	@Test
	void aQueueThatExpiresLosesItsEventsAndTheGapIsDetectedLoggedAndCounted() {
		String billing = "billing-" + TestServices.randomSuffix();
		String id = TestServices.randomSuffix();
		String queue = PerAggregateNames.aggregateQueue(AGGREGATE_TYPE, id, billing);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			runner("orders-" + TestServices.randomSuffix()).run((orders) -> {
				JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
				try {
					runner(billing).withBean(Counter.class, Counter::new)
						.withBean(io.micrometer.core.instrument.MeterRegistry.class,
								io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
						.run((listener) -> {
							PerAggregateListenerContainer container = listener
								.getBean(PerAggregateListenerContainer.class);
							await().atMost(Duration.ofSeconds(30)).until(container::isConsuming);
							EventPublisher publisher = orders.getBean(EventPublisher.class);
							Counter counter = listener.getBean(Counter.class);
							publisher.publish(AGGREGATE_TYPE, id, new Shipped(1));
							await().atMost(Duration.ofSeconds(30)).until(() -> counter.count == 1);

							// the service goes down for longer than the queue expiry
							container.stop();
							publisher.publish(AGGREGATE_TYPE, id, new Shipped(2));
							publisher.publish(AGGREGATE_TYPE, id, new Shipped(3));
							await().atMost(Duration.ofSeconds(30))
								.until(() -> "0".equals(unrelayed(jdbc, id)) && rabbit.managementKnowsQueue(queue));
							await().atMost(Duration.ofSeconds(30)).until(() -> !rabbit.managementKnowsQueue(queue));

							// back up: the next event arrives after a gap that nothing
							// fills yet
							publisher.publish(AGGREGATE_TYPE, id, new Shipped(4));
							container.start();
							await().atMost(Duration.ofSeconds(30)).until(() -> gaps(listener) > 0);
							assertThat(counter.count).as("events 2 and 3 expired with the queue; 4 waits for them")
								.isEqualTo(1);
						});
				}
				finally {
					cleanUp(orders, rabbit, billing, id);
				}
			});
		}
	}

	@Test
	void theConsumersOfManyAggregatesShareAFewChannels() {
		String billing = "billing-" + TestServices.randomSuffix();
		List<String> ids = IntStream.range(0, 3 * AggregateChannels.SHARED)
			.mapToObj((n) -> TestServices.randomSuffix())
			.toList();
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			runner("orders-" + TestServices.randomSuffix()).run((orders) -> {
				try {
					runner(billing).withPropertyValues("eventsource.per-aggregate.consumer-idle-timeout=60s")
						.withBean(Counter.class, Counter::new)
						.run((listener) -> {
							await().atMost(Duration.ofSeconds(30))
								.until(() -> listener.getBean(PerAggregateListenerContainer.class).isConsuming());
							ids.forEach((id) -> orders.getBean(EventPublisher.class)
								.publish(AGGREGATE_TYPE, id, new Shipped(1)));
							Counter counter = listener.getBean(Counter.class);
							await().atMost(Duration.ofSeconds(30)).until(() -> counter.count == ids.size());
							assertThat(listener.getBean(PerAggregateListenerContainer.class).activeConsumers())
								.isEqualTo(ids.size());
							// the management API learns of consumers with its statistics
							Set<String> channels = new HashSet<>();
							await().atMost(Duration.ofSeconds(30)).until(() -> {
								channels.clear();
								for (String id : ids) {
									JsonNode consumers = this.json.readTree(rabbit.management("GET",
											"/queues/%2F/" + RabbitTestClient
												.encode(PerAggregateNames.aggregateQueue(AGGREGATE_TYPE, id, billing)),
											null))
										.path("consumer_details");
									String channel = (consumers.size() != 1) ? ""
											: consumers.get(0).path("channel_details").path("name").asString();
									if (channel.isEmpty()) {
										// the statistics do not name it yet
										return false;
									}
									channels.add(channel);
								}
								return true;
							});
							assertThat(channels).hasSizeBetween(1, AggregateChannels.SHARED);
						});
				}
				finally {
					ids.forEach((id) -> cleanUp(orders, rabbit, billing, id));
				}
			});
		}
	}

	@Test
	void oneChannelConsumesTheIdsQueueAfterAStartWhoseFirstDeclarationIsSlow() {
		String billing = "billing-" + TestServices.randomSuffix();
		String idsQueue = PerAggregateNames.aggregateIdsQueue(AGGREGATE_TYPE, billing);
		TestServices.Endpoint endpoint = TestServices.rabbit();
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory(endpoint.host(), endpoint.port());
		connectionFactory.setUsername("guest");
		connectionFactory.setPassword("guest");
		// the broker answers the first declaration of the ids queue, made while the
		// container starts, only once the maintenance timer declares it too (at most
		// a few seconds later)
		ConnectionFactory slow = SlowFirstDeclaration.of(connectionFactory, idsQueue, Thread.currentThread(),
				Duration.ofSeconds(2));
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			try {
				runner(billing).withBean(ConnectionFactory.class, () -> slow)
					.withBean(Counter.class, Counter::new)
					.run((listener) -> {
						try {
							await().atMost(Duration.ofSeconds(30))
								.until(() -> listener.getBean(PerAggregateListenerContainer.class).isConsuming());
							// a second channel would hold up to max-aggregates ids
							// unacknowledged for as long as the connection lives
							await().during(Duration.ofSeconds(2))
								.atMost(Duration.ofSeconds(10))
								.untilAsserted(
										() -> assertThat(consumers(rabbit, idsQueue)).as("consumers of %s", idsQueue)
											.isOne());
						}
						finally {
							TestCleanUp.forgetService(listener, AGGREGATE_TYPE, billing);
						}
					});
			}
			finally {
				rabbit.deleteQueue(idsQueue);
				connectionFactory.destroy();
			}
		}
	}

	private static void cleanUp(ApplicationContext orders, RabbitTestClient rabbit, String billing, String id) {
		JdbcTemplate jdbc = new JdbcTemplate(orders.getBean(DataSource.class));
		jdbc.update("DELETE FROM public_messages WHERE topic = ? AND aggregate_id = ?", AGGREGATE_TYPE, id);
		jdbc.update("DELETE FROM aggregate_sequences WHERE aggregate_type = ? AND aggregate_id = ?", AGGREGATE_TYPE,
				id);
		TestCleanUp.deleteInbox(jdbc, billing);
		TestCleanUp.forgetService(orders, AGGREGATE_TYPE, billing);
		rabbit.deleteQueue(PerAggregateNames.aggregateQueue(AGGREGATE_TYPE, id, billing));
		rabbit.deleteExchange(PerAggregateNames.aggregateExchange(AGGREGATE_TYPE, id));
		rabbit.deleteQueue(PerAggregateNames.aggregateIdsQueue(AGGREGATE_TYPE, billing));
	}

	private static String unrelayed(JdbcTemplate jdbc, String id) {
		return String.valueOf(jdbc.queryForObject(
				"SELECT COUNT(*) FROM public_messages WHERE topic = ? AND aggregate_id = ? AND relayed_at IS NULL",
				Long.class, AGGREGATE_TYPE, id));
	}

	private static double gaps(ApplicationContext context) {
		return context.getBean(ListenerMetrics.class)
			.registry()
			.find("eventsource.consumed.events")
			.tag("outcome", "gap")
			.tag("aggregate.type", AGGREGATE_TYPE)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private static int consumers(RabbitTestClient rabbit, String queue) {
		int[] count = { -1 };
		rabbit.withChannel((channel) -> count[0] = channel.queueDeclarePassive(queue).getConsumerCount());
		return count[0];
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record Shipped(int n) {
	}

	/**
	 * A connection factory on which one thread's declaration of a queue waits until
	 * another thread declares it too, or at most a while.
	 */
	static final class SlowFirstDeclaration {

		private final String queue;

		private final Thread slowThread;

		private final Duration atMost;

		private final CountDownLatch declaredElsewhere = new CountDownLatch(1);

		private SlowFirstDeclaration(String queue, Thread slowThread, Duration atMost) {
			this.queue = queue;
			this.slowThread = slowThread;
			this.atMost = atMost;
		}

		static ConnectionFactory of(ConnectionFactory target, String queue, Thread slowThread, Duration atMost) {
			SlowFirstDeclaration slow = new SlowFirstDeclaration(queue, slowThread, atMost);
			return wrap(ConnectionFactory.class, target,
					(method, args, call) -> method.getName().equals("createConnection")
							? slow.connection((Connection) call.proceed()) : call.proceed());
		}

		private Connection connection(Connection target) {
			return wrap(Connection.class, target, (method, args, call) -> {
				Object result = call.proceed();
				return (method.getName().equals("getDelegate") && result != null)
						? rabbitConnection((com.rabbitmq.client.Connection) result) : result;
			});
		}

		private com.rabbitmq.client.Connection rabbitConnection(com.rabbitmq.client.Connection target) {
			return wrap(com.rabbitmq.client.Connection.class, target, (method, args, call) -> {
				Object result = call.proceed();
				return (method.getName().equals("createChannel") && result != null) ? channel((Channel) result)
						: result;
			});
		}

		private Channel channel(Channel target) {
			return wrap(Channel.class, target, (method, args, call) -> {
				if (method.getName().equals("queueDeclare") && args != null && this.queue.equals(args[0])) {
					if (Thread.currentThread() == this.slowThread) {
						this.declaredElsewhere.await(this.atMost.toMillis(), TimeUnit.MILLISECONDS);
					}
					else {
						this.declaredElsewhere.countDown();
					}
				}
				return call.proceed();
			});
		}

		private static <T> T wrap(Class<T> type, T target, Interceptor interceptor) {
			return type
				.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
					if (method.getName().equals("equals") && args != null && args.length == 1) {
						return proxy == args[0] || target.equals(args[0]);
					}
					return interceptor.invoke(method, args, () -> {
						try {
							return method.invoke(target, args);
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
					});
				}));
		}

		interface Interceptor {

			@Nullable Object invoke(Method method, @Nullable Object[] args, Call call) throws Throwable;

		}

		interface Call {

			@Nullable Object proceed() throws Throwable;

		}

	}

	static class Counter {

		volatile int count;

		@EventSourceListener(projection = "tracking")
		void on(Shipped event, EventMetadata metadata) {
			this.count++;
		}

	}

}
