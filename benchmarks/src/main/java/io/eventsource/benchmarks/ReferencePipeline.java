package io.eventsource.benchmarks;

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

import com.rabbitmq.client.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The baseline that issues 2 and 3 take their references from: a hand-written outbox +
 * inbox pipeline, the plain RabbitMQ client and JDBC on PostgreSQL, measured in the same
 * process as eventsource so that the machine's hour is the same for both. Publisher
 * threads insert each row with its sequence upsert in one statement and commit after a
 * number of events, then wake the relay; one {@link ReferenceRelay} reads the unrelayed
 * rows in id order, publishes them to one durable queue, waits for the confirms and marks
 * them; one {@link ReferenceInbox} inserts the inbox row (the duplicate check) and the
 * handler's row of each message, in transactions of one message or of up to
 * {@value #CONSUMER_BATCH} (issue 3's reference with batching). It keeps per-aggregate
 * order with one relay and one consumer only, and has none of eventsource's other duties
 * (no second relay instance, no catch-up, no parking, no per-aggregate routing).
 * <p>
 * It measures three things: the publishing transactions alone (issue 2's reference), the
 * whole pipeline as fast as it goes (issue 3's throughput reference), and the latency
 * from each publishing commit to its inbox commit at a paced rate (issue 3's latency
 * reference). Each measure creates its tables and queue, with a random suffix, and drops
 * them at its end.
 */
final class ReferencePipeline {

	private static final Log logger = LogFactory.getLog(ReferencePipeline.class);

	/** The most messages of one consumer transaction when publishers batch. */
	static final int CONSUMER_BATCH = 50;

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

	private volatile boolean recording;

	private volatile @Nullable ReferenceInbox inbox;

	ReferencePipeline(DataSource dataSource, BareConnections connections, byte[] payload, int threads, int prefetch,
			Duration runTimeout) {
		this.dataSource = dataSource;
		this.connections = connections;
		this.payload = payload;
		this.threads = threads;
		this.prefetch = prefetch;
		this.runTimeout = runTimeout;
		// lower case: the tables' names are folded to it, the queue's are not
		this.suffix = AggregateTypes.suffix().toLowerCase(Locale.ROOT);
	}

	/**
	 * Measures the publishing transactions alone, as fast as the publisher threads go,
	 * with no relay.
	 * @param aggregateIds the aggregates, in turn
	 * @param events how many events
	 * @param perTransaction events per transaction
	 * @return the measurement, until the last commit
	 * @throws Exception if the run fails
	 */
	Measurement commits(List<String> aggregateIds, int events, int perTransaction) throws Exception {
		createTables();
		try {
			reset(false);
			long begin = System.nanoTime();
			publish(aggregateIds, events, perTransaction, 0, null);
			long nanos = System.nanoTime() - begin;
			return new Measurement(events, nanos, nanos);
		}
		finally {
			dropTables();
		}
	}

	/**
	 * Measures the whole pipeline as fast as the publisher threads go, until the inbox
	 * committed every event: with one event per publishing transaction, one message per
	 * inbox transaction; with more, inbox transactions of up to {@value #CONSUMER_BATCH}.
	 * @param aggregateIds the aggregates, in turn
	 * @param events how many events
	 * @param perTransaction events per publishing transaction
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Measurement endToEnd(List<String> aggregateIds, int events, int perTransaction) throws Exception {
		int batch = (perTransaction == 1) ? 1 : CONSUMER_BATCH;
		return run(batch, Math.max(this.prefetch, 2 * batch), (relay) -> {
			reset(false);
			long begin = System.nanoTime();
			publish(aggregateIds, events, perTransaction, 0, relay);
			long published = System.nanoTime() - begin;
			awaitHandled(events);
			return new Measurement(events, System.nanoTime() - begin, published);
		});
	}

	/**
	 * Measures the latency from each publishing commit to the commit of its inbox
	 * transaction, one event per transaction on each side, after a warm-up at the same
	 * rate.
	 * @param aggregateIds the aggregates, in turn
	 * @param rate events per second
	 * @param duration how long to publish
	 * @param warmup how long to publish first without recording
	 * @return the latency, with a line for the report
	 * @throws Exception if the run fails
	 */
	Latency latency(List<String> aggregateIds, double rate, Duration duration, Duration warmup) throws Exception {
		long intervalNanos = (long) (1e9 / rate);
		return run(1, this.prefetch, (relay) -> {
			if (!warmup.isZero()) {
				reset(false);
				int warm = count(rate, warmup);
				publish(aggregateIds, warm, 1, intervalNanos, relay);
				awaitHandled(warm);
			}
			reset(true);
			long begin = System.nanoTime();
			int events = count(rate, duration);
			publish(aggregateIds, events, 1, intervalNanos, relay);
			double publishSeconds = (System.nanoTime() - begin) / 1e9;
			awaitHandled(events);
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
		});
	}

	private static int count(double rate, Duration duration) {
		return (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
	}

	/**
	 * Creates the tables and the queue, starts the relay and the inbox, runs a measure
	 * and deletes everything again.
	 */
	private <T> T run(int consumerBatch, int consumerPrefetch, Measure<T> measure) throws Exception {
		createTables();
		try (com.rabbitmq.client.Connection broker = this.connections.open("eventsource-benchmarks-reference");
				Connection relayConnection = this.dataSource.getConnection();
				Connection inboxConnection = this.dataSource.getConnection()) {
			Channel consumerChannel = broker.createChannel();
			consumerChannel.queueDeclare(queue(), true, false, false, null);
			ReferenceInbox inbox = new ReferenceInbox(consumerChannel, inboxConnection, table("inbox"),
					table("effects"), consumerBatch, this::handled);
			ReferenceRelay relay = new ReferenceRelay(broker.createChannel(), relayConnection, table("outbox"), queue(),
					this.runTimeout);
			Thread relayThread = new Thread(relay, "reference-relay");
			relayThread.setDaemon(true);
			relayThread.start();
			this.inbox = inbox;
			try {
				inbox.start(queue(), consumerPrefetch);
				return measure.run(relay);
			}
			finally {
				this.inbox = null;
				relay.stop();
				relayThread.join(TimeUnit.SECONDS.toMillis(30));
				inbox.stop();
				consumerChannel.queueDelete(queue());
			}
		}
		finally {
			dropTables();
		}
	}

	/**
	 * Publishes events from the publisher threads, each in transactions of its own:
	 * transaction {@code k} holds the events from {@code k * perTransaction}, goes to
	 * thread {@code k % threads} and, when paced, commits no earlier than its first
	 * event's turn.
	 */
	private void publish(List<String> aggregateIds, int events, int perTransaction, long intervalNanos,
			@Nullable ReferenceRelay relay) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(this.threads);
		try {
			long begin = System.nanoTime();
			List<Future<?>> running = new ArrayList<>();
			for (int t = 0; t < this.threads; t++) {
				int thread = t;
				running.add(executor.submit(() -> {
					publishShare(aggregateIds, events, perTransaction, thread, begin, intervalNanos, relay);
					return null;
				}));
			}
			long timeout = TimeUnit.NANOSECONDS.toMillis(intervalNanos * events) + this.runTimeout.toMillis();
			for (Future<?> future : running) {
				future.get(timeout, TimeUnit.MILLISECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private void publishShare(List<String> aggregateIds, int events, int perTransaction, int thread, long begin,
			long intervalNanos, @Nullable ReferenceRelay relay) throws SQLException, InterruptedException {
		String sql = "WITH s AS (INSERT INTO " + table("sequences") + " (aggregate_id, last_sequence) VALUES (?, 1)"
				+ " ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = " + table("sequences")
				+ ".last_sequence + 1 RETURNING last_sequence) INSERT INTO " + table("outbox")
				+ " (aggregate_id, sequence, payload) SELECT ?, last_sequence, ? FROM s RETURNING id";
		long[] ids = new long[perTransaction];
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement(sql)) {
				for (int first = thread * perTransaction; first < events; first += this.threads * perTransaction) {
					long wait = begin + first * intervalNanos - System.nanoTime();
					if (wait > 0) {
						TimeUnit.NANOSECONDS.sleep(wait);
					}
					int last = Math.min(events, first + perTransaction);
					for (int event = first; event < last; event++) {
						String aggregateId = aggregateIds.get(event % aggregateIds.size());
						insert.setString(1, aggregateId);
						insert.setString(2, aggregateId);
						insert.setBytes(3, this.payload);
						try (ResultSet inserted = insert.executeQuery()) {
							inserted.next();
							ids[event - first] = inserted.getLong(1);
						}
					}
					connection.commit();
					if (this.recording) {
						committed(ids, last - first);
					}
					if (relay != null) {
						relay.wakeUp();
					}
				}
			}
		}
	}

	private void committed(long[] ids, int count) {
		long now = System.nanoTime();
		for (int i = 0; i < count; i++) {
			this.committedNanos.put(ids[i], now);
		}
	}

	private void handled(long id, long nanos) {
		if (this.recording) {
			this.handledNanos.put(id, nanos);
		}
		this.handled.incrementAndGet();
	}

	/**
	 * Forgets the events so far: the ids of each measure's new tables start from 1.
	 */
	private void reset(boolean recording) {
		this.recording = recording;
		this.committedNanos.clear();
		this.handledNanos.clear();
		this.handled.set(0);
	}

	private void awaitHandled(int events) throws InterruptedException {
		long deadline = System.nanoTime() + this.runTimeout.toNanos();
		while (this.handled.get() < events) {
			ReferenceInbox inbox = this.inbox;
			if (inbox != null && inbox.failure() != null) {
				throw new IllegalStateException("The reference inbox failed", inbox.failure());
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("The reference pipeline handled " + this.handled.get() + " of " + events
						+ " events at the end of the run timeout (bench.run-timeout)");
			}
			TimeUnit.MILLISECONDS.sleep(5);
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

	/**
	 * One measure, run while the relay and the inbox run.
	 */
	@FunctionalInterface
	private interface Measure<T> {

		T run(ReferenceRelay relay) throws Exception;

	}

}
