package io.eventsource.sample;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.eventsource.listen.ListenerContainer;
import io.eventsource.publish.EventPublisher;
import io.eventsource.topology.PartitionedNames;
import io.eventsource.topology.PerAggregateNames;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.awaitility.Awaitility.await;

/**
 * What the sample's web tests share: the running sample on a random port under a service
 * name of the test's own (each sets {@code spring.application.name}), without its demo
 * and with a fast relay, closed after the test class; the wait until its listeners
 * consume, and the clean-up of the queues the service declared. A test adds its own
 * properties with {@code @TestPropertySource}.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "sample.demo=false", "eventsource.relay.poll-interval=200ms",
		"eventsource.replay.catch-up-on-start=false",
		// the tests' handlers fail on purpose: no stack traces in the build's output
		"logging.level.io.eventsource.listen.internal.dispatch.EventDispatcher=off" })
@Import(ServiceUnderTest.QueueCleanUp.class)
@DirtiesContext
abstract class ServiceUnderTest {

	@LocalServerPort
	int port;

	@Autowired
	EventPublisher publisher;

	@Autowired
	ApplicationContext context;

	@BeforeAll
	static void servicesAnswer() {
		LocalServices.requireAnswering();
	}

	/**
	 * Waits until the listener containers run, consume, and listen to the given aggregate
	 * types.
	 * @param aggregateTypes the aggregate types the test publishes
	 */
	void awaitConsuming(Set<String> aggregateTypes) {
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			List<ListenerContainer> running = this.context.getBeansOfType(ListenerContainer.class)
				.values()
				.stream()
				.filter(ListenerContainer::isRunning)
				.toList();
			Set<String> types = running.stream()
				.flatMap((container) -> container.aggregateTypes().stream())
				.collect(Collectors.toSet());
			return types.containsAll(aggregateTypes) && running.stream().allMatch(ListenerContainer::isConsuming);
		});
	}

	/**
	 * Deletes the durable queues a test's service declared, once its listener containers
	 * stopped: the service name is never used again, so nothing would consume them.
	 */
	static class QueueCleanUp implements DisposableBean {

		private final String service;

		private final ConnectionFactory connectionFactory;

		private final ObjectProvider<ListenerContainer> containers;

		private final Environment environment;

		QueueCleanUp(ConnectionFactory connectionFactory, ObjectProvider<ListenerContainer> containers,
				Environment environment) {
			this.service = environment.getRequiredProperty("spring.application.name");
			this.connectionFactory = connectionFactory;
			this.containers = containers;
			this.environment = environment;
		}

		@Override
		public void destroy() {
			RabbitAdmin admin = new RabbitAdmin(this.connectionFactory);
			int defaultPartitions = this.environment.getProperty("eventsource.partitioned.partitions", Integer.class,
					8);
			this.containers.orderedStream()
				.flatMap((container) -> container.aggregateTypes().stream())
				.forEach((type) -> {
					admin.deleteQueue(PerAggregateNames.aggregateIdsQueue(type, this.service));
					int partitions = this.environment.getProperty("eventsource.aggregate-types." + type + ".partitions",
							Integer.class, defaultPartitions);
					for (int k = 0; k < partitions; k++) {
						admin.deleteQueue(PartitionedNames.queue(type, this.service, k));
					}
					admin.deleteQueue(PartitionedNames.instancesQueue(type, this.service));
				});
		}

	}

}
