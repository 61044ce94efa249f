package io.eventsource.benchmarks;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The latency baseline of (e): a hand-written outbox + inbox pipeline, the plain RabbitMQ
 * client and JDBC on PostgreSQL, one event per transaction on each side, as issue 3
 * describes its reference. Publishers insert the row with its sequence upsert in one
 * statement and commit, then wake the relay; one relay thread reads the unrelayed rows in
 * id order, publishes them to one durable queue, waits for the confirms and marks them;
 * one consumer inserts the inbox row (the duplicate check) and the handler's row in one
 * transaction per message, commits and acknowledges. It keeps per-aggregate order with
 * one relay and one consumer only, and has none of eventsource's other duties (no second
 * relay instance, no catch-up, no parking): a lower bound of the latency the machine
 * allows the same work at that hour, measured in the same process as eventsource's.
 * <p>
 * Its tables and queue carry a random suffix; each measure creates them and drops them at
 * its end.
 */
final class ReferencePipeline {

	private static final Log logger = LogFactory.getLog(ReferencePipeline.class);

	private final DataSource dataSource;

	private final BareConnections connections;

	private final byte[] payload;

	private final int threads;

	private final int prefetch;

	private final Duration runTimeout;

	private final String suffix;

	private final Map<Long, Long> committedNanos = new ConcurrentHashMap<>();

	private final Map<Long, Long> handledNanos = new ConcurrentHashMap<>();

	private final AtomicInteger handled = new AtomicInteger();

	private final Object signal = new Object();

	private boolean signalled;

	ReferencePipeline(DataSource dataSource, BareConnections connections, byte[] payload, int threads, int prefetch,
			Duration runTimeout) {
		this.dataSource = dataSource;
		this.connections = connections;
		this.payload = payload;
		this.threads = threads;
		this.prefetch = prefetch;
		this.runTimeout = runTimeout;
		this.suffix = randomSuffix();
	}

	/**
	 * Measures the latency from each publishing commit to the commit of its inbox
	 * transaction, after a warm-up at the same rate.
	 * @param aggregateIds the aggregates, split between the publisher threads
	 * @param rate events per second
	 * @param duration how long to publish
	 * @param warmup how long to publish first without recording
	 * @return the latency, with a line for the report
	 * @throws Exception if the run fails
	 */
	Latency latency(List<String> aggregateIds, double rate, Duration duration, Duration warmup) throws Exception {
		createTables();
		reset();
		try (com.rabbitmq.client.Connection broker = this.connections.open("eventsource-benchmarks-reference");
				Connection relayConnection = this.dataSource.getConnection();
				Connection inboxConnection = this.dataSource.getConnection()) {
			Channel consumerChannel = broker.createChannel();
			consumerChannel.queueDeclare(queue(), true, false, false, null);
			consume(consumerChannel, inboxConnection);
			Relay relay = new Relay(broker.createChannel(), relayConnection);
			Thread relayThread = new Thread(relay, "reference-relay");
			relayThread.start();
			try {
				if (!warmup.isZero()) {
					publishPaced(aggregateIds, rate, warmup);
					awaitHandled();
				}
				reset();
				long begin = System.nanoTime();
				int events = publishPaced(aggregateIds, rate, duration);
				double publishSeconds = (System.nanoTime() - begin) / 1e9;
				awaitHandled();
				long[] micros = latencyMicros();
				if (micros.length != events) {
					throw new IllegalStateException("The reference pipeline recorded " + micros.length + " of " + events
							+ " events with both commits");
				}
				String line = String.format(Locale.ROOT,
						"(e) reference: hand-written outbox + inbox (plain client and JDBC, 1 event per transaction"
								+ " on each side) commit-to-inbox-commit latency at %,.0f events/s paced (%,d events in"
								+ " %.1f s, %,.0f events/s reached): p50 %.1f ms, p99 %.1f ms, max %.1f ms",
						rate, events, publishSeconds, events / publishSeconds, Latency.percentile(micros, 0.50) / 1e3,
						Latency.percentile(micros, 0.99) / 1e3, micros[micros.length - 1] / 1e3);
				logger.info(line);
				return new Latency(rate, Latency.percentile(micros, 0.50) / 1e3, Latency.percentile(micros, 0.99) / 1e3,
						line);
			}
			finally {
				relay.stop();
				wakeRelay();
				relayThread.join(TimeUnit.SECONDS.toMillis(30));
				consumerChannel.queueDelete(queue());
			}
		}
		finally {
			dropTables();
		}
	}

	private int publishPaced(List<String> aggregateIds, double rate, Duration duration) throws Exception {
		int count = (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
		long intervalNanos = (long) (1e9 / rate);
		ExecutorService executor = Executors.newFixedThreadPool(this.threads);
		try {
			long begin = System.nanoTime();
			List<Future<?>> running = new ArrayList<>();
			for (int t = 0; t < this.threads; t++) {
				int thread = t;
				running.add(executor.submit(() -> {
					publishShare(aggregateIds, count, thread, begin, intervalNanos);
					return null;
				}));
			}
			for (Future<?> future : running) {
				future.get(duration.plus(this.runTimeout).toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		return count;
	}

	private void publishShare(List<String> aggregateIds, int count, int thread, long begin, long intervalNanos)
			throws SQLException, InterruptedException {
		String sql = "WITH s AS (INSERT INTO " + table("sequences") + " (aggregate_id, last_sequence) VALUES (?, 1)"
				+ " ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = " + table("sequences")
				+ ".last_sequence + 1 RETURNING last_sequence) INSERT INTO " + table("outbox")
				+ " (aggregate_id, sequence, payload) SELECT ?, last_sequence, ? FROM s RETURNING id";
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement(sql)) {
				for (int i = 0; i * this.threads + thread < count; i++) {
					long due = begin + (i * (long) this.threads + thread) * intervalNanos;
					long wait = due - System.nanoTime();
					if (wait > 0) {
						TimeUnit.NANOSECONDS.sleep(wait);
					}
					String aggregateId = aggregateIds.get((i * this.threads + thread) % aggregateIds.size());
					insert.setString(1, aggregateId);
					insert.setString(2, aggregateId);
					insert.setBytes(3, this.payload);
					long id;
					try (ResultSet inserted = insert.executeQuery()) {
						inserted.next();
						id = inserted.getLong(1);
					}
					connection.commit();
					this.committedNanos.put(id, System.nanoTime());
					wakeRelay();
				}
			}
		}
	}

	private void consume(Channel channel, Connection inbox) throws IOException, SQLException {
		inbox.setAutoCommit(false);
		PreparedStatement dedup = inbox.prepareStatement(
				"INSERT INTO " + table("inbox") + " (message_id) VALUES (?) ON CONFLICT (message_id) DO NOTHING");
		PreparedStatement effect = inbox
			.prepareStatement("INSERT INTO " + table("effects") + " (message_id, payload_size) VALUES (?, ?)");
		channel.basicQos(this.prefetch);
		channel.basicConsume(queue(), false, new DefaultConsumer(channel) {

			@Override
			public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
					byte[] body) throws IOException {
				long id = Long.parseLong(properties.getMessageId());
				try {
					dedup.setLong(1, id);
					if (dedup.executeUpdate() == 1) {
						effect.setLong(1, id);
						effect.setInt(2, body.length);
						effect.executeUpdate();
					}
					inbox.commit();
				}
				catch (SQLException ex) {
					throw new IOException("The reference inbox failed", ex);
				}
				ReferencePipeline.this.handledNanos.put(id, System.nanoTime());
				getChannel().basicAck(envelope.getDeliveryTag(), false);
				ReferencePipeline.this.handled.incrementAndGet();
			}

		});
	}

	/**
	 * Forgets the events so far: each measure's tables are new, so its ids start again
	 * from 1.
	 */
	private void reset() {
		this.committedNanos.clear();
		this.handledNanos.clear();
		this.handled.set(0);
	}

	private void awaitHandled() throws InterruptedException {
		long deadline = System.nanoTime() + this.runTimeout.toNanos();
		while (this.handled.get() < this.committedNanos.size()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("The reference pipeline handled " + this.handled.get() + " of "
						+ this.committedNanos.size() + " events at the end of the run timeout (bench.run-timeout)");
			}
			TimeUnit.MILLISECONDS.sleep(10);
		}
	}

	private long[] latencyMicros() {
		return this.committedNanos.entrySet()
			.stream()
			.filter((committed) -> this.handledNanos.containsKey(committed.getKey()))
			.mapToLong((committed) -> (this.handledNanos.get(committed.getKey()) - committed.getValue()) / 1_000)
			.sorted()
			.toArray();
	}

	private void wakeRelay() {
		synchronized (this.signal) {
			this.signalled = true;
			this.signal.notifyAll();
		}
	}

	private boolean awaitWakeUp() throws InterruptedException {
		synchronized (this.signal) {
			if (!this.signalled) {
				this.signal.wait(100);
			}
			boolean woken = this.signalled;
			this.signalled = false;
			return woken;
		}
	}

	private void createTables() throws SQLException {
		execute("CREATE TABLE " + table("sequences")
				+ " (aggregate_id VARCHAR(128) PRIMARY KEY, last_sequence BIGINT NOT NULL)",
				"CREATE TABLE " + table("outbox") + " (id BIGSERIAL PRIMARY KEY, aggregate_id VARCHAR(128) NOT NULL,"
						+ " sequence BIGINT NOT NULL, payload BYTEA NOT NULL,"
						+ " relayed BOOLEAN NOT NULL DEFAULT FALSE)",
				"CREATE INDEX " + table("outbox_unrelayed") + " ON " + table("outbox") + " (id) WHERE NOT relayed",
				"CREATE TABLE " + table("inbox") + " (message_id BIGINT PRIMARY KEY)",
				"CREATE TABLE " + table("effects") + " (message_id BIGINT PRIMARY KEY, payload_size INT NOT NULL)");
	}

	private void dropTables() throws SQLException {
		execute("DROP TABLE IF EXISTS " + table("sequences"), "DROP TABLE IF EXISTS " + table("outbox"),
				"DROP TABLE IF EXISTS " + table("inbox"), "DROP TABLE IF EXISTS " + table("effects"));
	}

	private void execute(String... statements) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private String table(String name) {
		return "bench_reference_" + this.suffix + "_" + name;
	}

	private String queue() {
		return "bench-reference-" + this.suffix;
	}

	private static String randomSuffix() {
		SecureRandom random = new SecureRandom();
		StringBuilder suffix = new StringBuilder();
		for (int i = 0; i < 6; i++) {
			suffix.append((char) ('a' + random.nextInt(26)));
		}
		return suffix.toString();
	}

	/**
	 * The relay thread: reads every unrelayed row in id order, publishes it with
	 * confirms, marks it, until nothing is left; then waits to be woken.
	 */
	private final class Relay implements Runnable {

		private final Channel channel;

		private final Connection connection;

		private volatile boolean running = true;

		Relay(Channel channel, Connection connection) {
			this.channel = channel;
			this.connection = connection;
		}

		@Override
		public void run() {
			try (PreparedStatement select = this.connection.prepareStatement(
					"SELECT id, payload FROM " + table("outbox") + " WHERE NOT relayed ORDER BY id LIMIT 500");
					PreparedStatement mark = this.connection
						.prepareStatement("UPDATE " + table("outbox") + " SET relayed = TRUE WHERE id = ANY (?)")) {
				this.channel.confirmSelect();
				while (this.running) {
					awaitWakeUp();
					while (this.running && relayPage(select, mark)) {
						// until a read finds nothing
					}
				}
			}
			catch (Exception ex) {
				logger.error("The reference relay failed", ex);
			}
		}

		private boolean relayPage(PreparedStatement select, PreparedStatement mark) throws Exception {
			List<Long> ids = new ArrayList<>();
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					long id = rows.getLong(1);
					AMQP.BasicProperties properties = MessageProperties.PERSISTENT_BASIC.builder()
						.messageId(Long.toString(id))
						.build();
					this.channel.basicPublish("", queue(), properties, rows.getBytes(2));
					ids.add(id);
				}
			}
			if (ids.isEmpty()) {
				return false;
			}
			this.channel.waitForConfirmsOrDie(ReferencePipeline.this.runTimeout.toMillis());
			Array array = this.connection.createArrayOf("bigint", ids.toArray());
			mark.setArray(1, array);
			mark.executeUpdate();
			return true;
		}

		void stop() {
			this.running = false;
		}

	}

}
