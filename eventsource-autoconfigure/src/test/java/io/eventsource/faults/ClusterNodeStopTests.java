package io.eventsource.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.eventsource.publish.EventPublisher;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.RabbitCluster;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The short smoke of the RabbitMQ cluster (scripts/cluster.sh, three nodes): a service
 * that publishes and listens connected to node 1 through
 * {@code spring.rabbitmq.addresses}, and node 1 stopped under load and started again; on
 * each topology, every committed event is applied once, in order per aggregate. On the
 * partitioned topology with quorum queues replicated over the three nodes, the relay and
 * the listener move to the other nodes by themselves and events are applied while node 1
 * is down. On the per-aggregate topology the service's classic queues live on node 1:
 * delivery waits for it, and what the queues held comes back with it. The service has a
 * database and registry keys of its own: its relay sends whatever the outbox holds, and
 * must not send other tests' events to the cluster, nor other tests' relays send to its
 * queues.
 */
class ClusterNodeStopTests {

	private static final String DATABASE = "eventsource_cluster";

	private static RabbitCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RabbitCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	private final String prefix = TestServices.randomSuffix() + "-";

	@ParameterizedTest
	@EnumSource(value = TestTopology.class, names = { "PARTITIONED_QUORUM", "PER_AGGREGATE" })
	void theNodeAServiceIsConnectedToStopsUnderLoad(TestTopology topology) throws Exception {
		Database database = Database.POSTGRESQL;
		boolean replicated = topology == TestTopology.PARTITIONED_QUORUM;
		String billing = "billing-" + TestServices.randomSuffix();
		int aggregates = 10;
		int total = 6000;
		FaultEvents.listener(database, billing, topology, "billing")
			.withPropertyValues("spring.rabbitmq.addresses=" + cluster.addresses(),
					"spring.datasource.url=" + ownDatabase(),
					"eventsource.registry.key-prefix=" + this.prefix + "cluster")
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				FaultEvents.createTable(jdbc, database);
				try {
					TestTopology.awaitConsuming(context);
					PacedLoad.Publishing load = PacedLoad.publish(context.getBean(EventPublisher.class), this.prefix,
							aggregates, total, Duration.ofMillis(5));
					AtomicInteger published = load.published();
					load.awaitPublished(300);
					int publishedAtStop = published.get();
					long stoppedAt = System.nanoTime();
					int appliedWhileDown;
					try {
						cluster.stopNode(1);
						int appliedAtStopped = FaultEvents.appliedCount(jdbc, this.prefix);
						// events committed while the node is down
						int publishedAtStopped = published.get();
						await().atMost(Duration.ofSeconds(60))
							.until(() -> published.get() >= Math.min(total, publishedAtStopped + 200));
						if (replicated) {
							// the relay and the listener moved to nodes 2 and 3
							await().atMost(Duration.ofSeconds(60))
								.until(() -> FaultEvents.appliedCount(jdbc, this.prefix) > appliedAtStopped);
						}
						appliedWhileDown = FaultEvents.appliedCount(jdbc, this.prefix) - appliedAtStopped;
					}
					finally {
						cluster.startNode(1);
					}
					long restartedAt = System.nanoTime();
					assertThat(publishedAtStop).as("node 1 stopped under a running load").isLessThan(total);
					load.done().get(3, TimeUnit.MINUTES);
					assertThat(load.failures()).as("publishes that failed (the database is not touched)").isEmpty();
					long loadEnded = System.nanoTime();
					FaultEvents.awaitAppliedOnceInOrder(jdbc, this.prefix, total, aggregates, Duration.ofSeconds(120));
					long caughtUp = System.nanoTime();
					TestTopology.awaitConsuming(context);
					FaultReport.record("RabbitMQ cluster: node 1 stopped under load (" + topology + ")", total,
							FaultEvents.appliedCount(jdbc, this.prefix), FaultReport.consumed(context, "duplicate"), 0,
							String.format(java.util.Locale.ROOT,
									"node down %.1f s, %d applied meanwhile; all applied %.1f s after the load ended",
									(restartedAt - stoppedAt) / 1e9, appliedWhileDown, (caughtUp - loadEnded) / 1e9));
				}
				finally {
					if (!cluster.answers(1)) {
						cluster.startNode(1);
					}
					FaultEvents.cleanUp(context, jdbc, topology, billing, this.prefix,
							FaultEvents.aggregateIds(this.prefix, aggregates));
					cluster.deleteQueuesNamed(billing);
				}
			});
	}

	/**
	 * Returns the URL of this test's own PostgreSQL database, created when missing.
	 */
	private static String ownDatabase() throws SQLException {
		String url = TestServices.jdbcUrl(Database.POSTGRESQL);
		try (Connection connection = DriverManager.getConnection(url, TestServices.username(Database.POSTGRESQL), "")) {
			Boolean exists = new JdbcTemplate(new SingleConnectionDataSource(connection, true))
				.queryForObject("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)", Boolean.class, DATABASE);
			if (!Boolean.TRUE.equals(exists)) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("CREATE DATABASE " + DATABASE);
				}
			}
		}
		return url.substring(0, url.lastIndexOf('/') + 1) + DATABASE;
	}

}
