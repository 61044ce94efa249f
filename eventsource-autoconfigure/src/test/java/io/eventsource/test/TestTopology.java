package io.eventsource.test;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

import io.eventsource.listen.ListenerContainer;
import io.eventsource.test.TestServices.Database;
import io.eventsource.topology.PartitionedNames;
import io.eventsource.topology.PerAggregateNames;
import org.junit.jupiter.params.provider.Arguments;

import org.springframework.context.ApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * The topologies the listening and fault suites run on, with the properties that select
 * each and the clean-up of what each declares. The suites take them as parameters, so
 * every topology passes the same tests.
 */
public enum TestTopology {

	/** A queue per aggregate and service. */
	PER_AGGREGATE(0, "eventsource.topology=per-aggregate"),

	/** Four classic partition queues per service. */
	PARTITIONED(4, "eventsource.topology=partitioned", "eventsource.partitioned.partitions=4"),

	/** Three quorum partition queues per service. */
	PARTITIONED_QUORUM(3, "eventsource.topology=partitioned", "eventsource.partitioned.partitions=3",
			"eventsource.partitioned.queue-type=quorum");

	private final int partitions;

	private final String[] properties;

	TestTopology(int partitions, String... properties) {
		this.partitions = partitions;
		this.properties = properties;
	}

	/**
	 * Returns the properties that select this topology, for every service of a test.
	 * @return the properties, {@code name=value}
	 */
	public String[] properties() {
		return this.properties.clone();
	}

	/**
	 * Returns each topology once, on alternating databases: per-aggregate on PostgreSQL,
	 * partitioned on MariaDB, quorum partitions on PostgreSQL. A suite gives its
	 * neighbouring tests {@link #withTheOtherDatabases()}, so that every topology meets
	 * both databases across the suite without each test running the whole product (the
	 * database only holds the rows; the statements of each database have their own tests
	 * in the store package).
	 * @return the arguments (database, topology)
	 */
	public static Stream<Arguments> withDatabases() {
		return Stream.of(Arguments.of(Database.POSTGRESQL, PER_AGGREGATE), Arguments.of(Database.MARIADB, PARTITIONED),
				Arguments.of(Database.POSTGRESQL, PARTITIONED_QUORUM));
	}

	/**
	 * Returns the classic topologies on the databases {@link #withDatabases()} does not
	 * give them: per-aggregate on MariaDB, partitioned on PostgreSQL.
	 * @return the arguments (database, topology)
	 */
	public static Stream<Arguments> withTheOtherDatabases() {
		return Stream.of(Arguments.of(Database.MARIADB, PER_AGGREGATE), Arguments.of(Database.POSTGRESQL, PARTITIONED));
	}

	/**
	 * Returns every topology, on PostgreSQL.
	 * @return the arguments (database, topology)
	 */
	public static Stream<Arguments> onPostgresql() {
		return Arrays.stream(values()).map((topology) -> Arguments.of(Database.POSTGRESQL, topology));
	}

	/**
	 * Waits until every listener container of a context that runs consumes.
	 * @param context the listening service
	 */
	public static void awaitConsuming(ApplicationContext context) {
		await().atMost(Duration.ofSeconds(30)).until(() -> isConsuming(context));
	}

	/**
	 * Returns whether the listener containers of a context that run all consume, and at
	 * least one runs.
	 * @param context the listening service
	 * @return {@code true} when it consumes
	 */
	public static boolean isConsuming(ApplicationContext context) {
		var running = context.getBeansOfType(ListenerContainer.class)
			.values()
			.stream()
			.filter(ListenerContainer::isRunning)
			.toList();
		return !running.isEmpty() && running.stream().allMatch(ListenerContainer::isConsuming);
	}

	/**
	 * Returns how many queues one instance consumes for an aggregate type once events of
	 * a number of aggregates arrived: one per aggregate, or one per partition.
	 * @param aggregates the aggregates
	 * @return the consumers
	 */
	public int consumers(int aggregates) {
		return (this == PER_AGGREGATE) ? aggregates : this.partitions;
	}

	/**
	 * Returns the queue of a listening service that the events of an aggregate reach.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param service the listening service
	 * @return the queue name
	 */
	public String queueOf(String aggregateType, String aggregateId, String service) {
		return (this == PER_AGGREGATE) ? PerAggregateNames.aggregateQueue(aggregateType, aggregateId, service)
				: PartitionedNames.queue(aggregateType, service,
						PartitionedNames.bucket(aggregateId) % this.partitions);
	}

	/**
	 * Deletes the queues and exchanges of a listening service for an aggregate type.
	 * @param aggregateType the aggregate type
	 * @param service the listening service
	 * @param aggregateIds the aggregate ids the test used (for the per-aggregate queues)
	 */
	public void cleanUp(String aggregateType, String service, Iterable<String> aggregateIds) {
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			// the per-aggregate queues of a test on another topology: none, a no-op
			for (String id : aggregateIds) {
				rabbit.deleteQueue(PerAggregateNames.aggregateQueue(aggregateType, id, service));
				rabbit.deleteExchange(PerAggregateNames.aggregateExchange(aggregateType, id));
			}
			rabbit.deleteQueue(PerAggregateNames.aggregateIdsQueue(aggregateType, service));
			for (int k = 0; k < Math.max(this.partitions, 8); k++) {
				rabbit.deleteQueue(PartitionedNames.queue(aggregateType, service, k));
			}
			rabbit.deleteQueue(PartitionedNames.instancesQueue(aggregateType, service));
		}
	}

}
