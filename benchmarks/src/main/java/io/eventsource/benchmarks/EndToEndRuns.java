package io.eventsource.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.eventsource.listen.ListenerContainer;
import io.eventsource.topology.PerAggregateNames;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The end-to-end runs: (d) the bare client publishing with confirms while one bare
 * consumer acknowledges, against eventsource publishing in transactions, relaying and
 * applying every event in {@link EndToEndHandler} in this process; (e) eventsource's
 * latency from publish to the handler's commit at a paced rate. The aggregate type
 * {@value EndToEndEvent#AGGREGATE_TYPE} is fixed (a handler's event class names it), so
 * its queues, registry key and rows are deleted before the first run as well as at the
 * end.
 */
class EndToEndRuns {

	private static final Log logger = LogFactory.getLog(EndToEndRuns.class);

	private static final String TYPE = EndToEndEvent.AGGREGATE_TYPE;

	private final List<String> aggregateIds;

	private final String bareType;

	private final EndToEndServices services;

	private final EndToEndEvent event;

	private final RunReport report = new RunReport(logger, "the end-to-end");

	/**
	 * Creates the runs.
	 * @param aggregateIds the fixed aggregates of both sides
	 * @param bareType the bare client's aggregate type, whose aggregates are declared
	 * @param services what the runs work with
	 */
	EndToEndRuns(List<String> aggregateIds, String bareType, EndToEndServices services) {
		this.aggregateIds = aggregateIds;
		this.bareType = bareType;
		this.services = services;
		this.event = services.event();
	}

	/**
	 * Deletes what an earlier benchmark left of the fixed aggregate type and creates the
	 * handler's table.
	 * @throws IOException if the broker refuses
	 */
	void prepare() throws IOException {
		this.services.admin().purge(listenerQueues());
		deleteRows();
		this.services.jdbc()
			.execute("CREATE TABLE IF NOT EXISTS " + EndToEndHandler.TABLE
					+ " (event_id VARCHAR(36) NOT NULL PRIMARY KEY, aggregate_id VARCHAR(128) NOT NULL,"
					+ " sequence BIGINT NOT NULL)");
		this.services.jdbc().update("DELETE FROM " + EndToEndHandler.TABLE);
	}

	/**
	 * (d) The bare client publishes to its fixed aggregates (declared again first,
	 * untimed) while one consumer acknowledges every message; measured until the last
	 * acknowledgement.
	 * @param events how many messages
	 * @param label the label of the log line
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Measurement bare(int events, String label) throws Exception {
		BenchTopology topology = this.services.topology();
		this.services.admin().declareAggregates(this.bareType, this.aggregateIds, topology.bareQueueArguments());
		BareConsumer consumer = this.services.consumer();
		consumer.start(topology.queues(this.bareType, this.aggregateIds));
		Measurement measurement;
		try {
			// these two lines bound the measured part for scripts/cpu-per-event.sh: the
			// declares before and the cancels and purges after are not part of it
			this.report.log("%s (d) bare client: measuring", label);
			long begin = System.nanoTime();
			Measurement published = this.services.bare()
				.publish(topology.exchanges(this.bareType, this.aggregateIds), events);
			consumer.await(events, begin + this.services.runTimeout().toNanos());
			measurement = new Measurement(events, System.nanoTime() - begin, published.nanos());
			this.report.log("%s (d) bare client: measured", label);
		}
		finally {
			consumer.stop();
		}
		long left = this.services.admin().purge(topology.queues(this.bareType, this.aggregateIds));
		this.report.check(left == 0,
				label + " (d) bare: " + left + " messages left in the queues after all were acked");
		this.report.log(
				"%s (d) bare client publish + consume: %,d messages confirmed in %.2f s, all acked in %.2f s = %,.0f msg/s",
				label, events, measurement.publishedSeconds(), measurement.seconds(), measurement.rate());
		return measurement;
	}

	/**
	 * (d) EventPublisher publishes to the fixed aggregates in transactions; measured
	 * until the handler committed every event.
	 * @param events how many events
	 * @param perTransaction events per transaction
	 * @param label the label of the log line
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Measurement eventsource(int events, int perTransaction, String label) throws Exception {
		HandledEvents handled = this.services.handled();
		handled.reset(false);
		Batches before = batches();
		Measurement measurement = this.services.outbox()
			.publishUntilHandled(TYPE, this.event, this.aggregateIds, events, perTransaction,
					(deadline) -> handled.await(events, deadline));
		long rows = appliedRows();
		this.report.check(rows == events, label + " (d) eventsource: " + events + " events handled but " + rows
				+ " rows in " + EndToEndHandler.TABLE);
		Batches batches = batches().since(before);
		this.report.log(
				"%s (d) eventsource end to end, %d per tx: %,d events committed in %.2f s, all handled in %.2f s"
						+ " = %,.0f msg/s; listener transactions: %,d, %.1f events each on average",
				label, perTransaction, events, measurement.publishedSeconds(), measurement.seconds(),
				measurement.rate(), batches.transactions(), batches.mean());
		return measurement;
	}

	/**
	 * (e) Publishes one event per transaction at a fixed rate and records each event's
	 * latency from the commit of its publishing transaction to the commit of its
	 * handler's transaction, and from its publish call (before that commit) to the same.
	 * @param rate events per second
	 * @param duration how long to publish
	 * @param warmup how long to publish first at the same rate without recording
	 * @return the latency, with a line for the report
	 * @throws Exception if the run fails
	 */
	Latency latency(double rate, Duration duration, Duration warmup) throws Exception {
		return latency(TYPE, this.event, "per-aggregate", rate, duration, warmup);
	}

	/**
	 * (e) Measures the latency as {@link #latency(double, Duration)} does, for an
	 * aggregate type of either topology.
	 * @param type the aggregate type
	 * @param event the event to publish
	 * @param topology the name of its topology, for the line
	 * @param rate events per second
	 * @param duration how long to publish
	 * @param warmup how long to publish first at the same rate without recording
	 * @return the latency, with a line for the report
	 * @throws Exception if the run fails
	 */
	Latency latency(String type, Object event, String topology, double rate, Duration duration, Duration warmup)
			throws Exception {
		HandledEvents handled = this.services.handled();
		if (!warmup.isZero()) {
			handled.reset(false);
			int warm = this.services.outbox()
				.publishPaced(type, event, this.aggregateIds, rate, warmup, (eventId, nanos) -> {
				});
			handled.await(warm, System.nanoTime() + this.services.runTimeout().toNanos());
			long warmRows = appliedRows();
			this.report.check(warmRows == warm, "(e) warm-up at " + Math.round(rate) + " events/s: " + warm
					+ " events handled but " + warmRows + " rows in " + EndToEndHandler.TABLE);
		}
		handled.reset(true);
		Long lastId = this.services.jdbc()
			.queryForObject("SELECT MAX(id) FROM public_messages WHERE topic = ?", Long.class, type);
		long begin = System.nanoTime();
		int events = this.services.outbox()
			.publishPaced(type, event, this.aggregateIds, rate, duration, handled::published);
		double publishSeconds = (System.nanoTime() - begin) / 1e9;
		handled.await(events, System.nanoTime() + this.services.runTimeout().toNanos());
		long rows = appliedRows();
		this.report.check(rows == events, "(e) at " + Math.round(rate) + " events/s: " + events + " events handled but "
				+ rows + " rows in " + EndToEndHandler.TABLE);
		long[] micros = handled.sortedCommitLatencyMicros();
		this.report.check(micros.length == events, "(e) at " + Math.round(rate)
				+ " events/s: both commits recorded for " + micros.length + " of " + events);
		long[] fromCall = handled.sortedLatencyMicros();
		long[] outbox = outboxWaitMicros(type, (lastId != null) ? lastId : 0);
		long[] toStart = handled.sortedStartLatencyMicros();
		String line = this.report.log("(e) eventsource " + topology
				+ " commit-to-handler-commit latency at %,.0f events/s paced (1 per tx, after %.0f s at that rate"
				+ " unrecorded, %,d events in %.1f s, %,.0f events/s reached): p50 %.1f ms, p99 %.1f ms, max %.1f ms"
				+ " (targets: p99 < 5 ms at 500, < 25 ms at half the maximum); commit to the handler's start p50 %.1f"
				+ " ms, p99 %.1f ms; from the publish call (before its commit) p50 %.1f ms, p99 %.1f ms;"
				+ " publish call to the relay's round (relayed_at - published_at) p50 %.1f ms, p99 %.1f ms", rate,
				warmup.toMillis() / 1e3, events, publishSeconds, events / publishSeconds,
				Latency.percentile(micros, 0.50) / 1e3, Latency.percentile(micros, 0.99) / 1e3,
				micros[micros.length - 1] / 1e3, Latency.percentile(toStart, 0.50) / 1e3,
				Latency.percentile(toStart, 0.99) / 1e3, Latency.percentile(fromCall, 0.50) / 1e3,
				Latency.percentile(fromCall, 0.99) / 1e3, Latency.percentile(outbox, 0.50) / 1e3,
				Latency.percentile(outbox, 0.99) / 1e3);
		this.report.log("(e) eventsource " + topology + " at %,.0f events/s, hop by hop: %s", rate, handled.hops());
		return new Latency(rate, Latency.percentile(micros, 0.50) / 1e3, Latency.percentile(micros, 0.99) / 1e3, line);
	}

	/**
	 * Returns, sorted, how long each event published after a row id waited in the outbox
	 * until the relay's round took it ({@code relayed_at} is the time the round selected
	 * it), once every one is marked (the relay marks a row after the broker's confirm, in
	 * the transaction of its pass, and a handler can commit before that).
	 */
	private long[] outboxWaitMicros(String type, long afterId) throws InterruptedException {
		this.services.rows().awaitRelayed(type, System.nanoTime() + this.services.runTimeout().toNanos());
		List<Long> waits = this.services.jdbc()
			.query("SELECT published_at, relayed_at FROM public_messages WHERE topic = ? AND id > ?",
					(row, number) -> Duration.between(row.getTimestamp(1).toInstant(), row.getTimestamp(2).toInstant())
						.toNanos() / 1_000,
					type, afterId);
		return waits.stream().mapToLong(Long::longValue).sorted().toArray();
	}

	/**
	 * Returns what the checks after each run found wrong.
	 * @return the problems, empty when all is well
	 */
	List<String> problems() {
		return this.report.problems();
	}

	/**
	 * Stops the listener (else it would declare its queues again), then deletes the fixed
	 * aggregate type's queues, exchanges, registry key and rows, and the handler's table;
	 * logs what it cannot delete and goes on.
	 */
	void cleanUp() {
		logger.info("Stopping the listener; deleting the queues, exchanges, registry key and rows of " + TYPE);
		for (ListenerContainer listener : this.services.listeners()) {
			this.report.attempt("listener", listener::stop);
		}
		List<String> queues = new ArrayList<>(listenerQueues());
		queues.add(PerAggregateNames.aggregateIdsQueue(TYPE, this.services.service()));
		List<String> exchanges = new ArrayList<>(this.services.topology().exchanges(TYPE, this.aggregateIds));
		exchanges.add(PerAggregateNames.aggregateIdsExchange(TYPE));
		this.report.attempt("queues and exchanges", () -> this.services.admin().delete(queues, exchanges));
		this.report.attempt("registry key", () -> this.services.redis().delete(this.services.registryKey()));
		this.report.attempt("rows", this::deleteRows);
		this.report.attempt("table",
				() -> this.services.jdbc().execute("DROP TABLE IF EXISTS " + EndToEndHandler.TABLE));
	}

	private List<String> listenerQueues() {
		return this.aggregateIds.stream()
			.map((id) -> PerAggregateNames.aggregateQueue(TYPE, id, this.services.service()))
			.toList();
	}

	private Batches batches() {
		DistributionSummary summary = this.services.meterRegistry().find("eventsource.listener.batch.events").summary();
		return (summary != null) ? new Batches(summary.count(), summary.totalAmount()) : new Batches(0, 0);
	}

	private long appliedRows() {
		JdbcTemplate jdbc = this.services.jdbc();
		Long rows = jdbc.queryForObject("SELECT COUNT(*) FROM " + EndToEndHandler.TABLE, Long.class);
		jdbc.update("DELETE FROM " + EndToEndHandler.TABLE);
		return (rows != null) ? rows : 0;
	}

	private void deleteRows() {
		JdbcTemplate jdbc = this.services.jdbc();
		int events = jdbc.update("DELETE FROM public_messages WHERE topic = ?", TYPE);
		jdbc.update("DELETE FROM aggregate_sequences WHERE aggregate_type = ?", TYPE);
		int acks = jdbc.update("DELETE FROM message_acks WHERE aggregate_type = ?", TYPE);
		jdbc.update("DELETE FROM projection_positions WHERE aggregate_type = ?", TYPE);
		logger.info("Deleted " + events + " events and " + acks + " ack rows of " + TYPE);
	}

	/**
	 * The listener's transactions so far and the events they applied.
	 */
	private record Batches(long transactions, double events) {

		Batches since(Batches earlier) {
			return new Batches(this.transactions - earlier.transactions, this.events - earlier.events);
		}

		double mean() {
			return (this.transactions > 0) ? this.events / this.transactions : Double.NaN;
		}

	}

	/**
	 * What the end-to-end runs work with.
	 *
	 * @param topology the broker names
	 * @param admin declares, counts and deletes on the broker
	 * @param bare the bare client's publisher
	 * @param consumer the bare client's consumer
	 * @param outbox publishes through eventsource
	 * @param event the event eventsource publishes
	 * @param handled what the handler committed
	 * @param jdbc the benchmark database
	 * @param rows the outbox rows
	 * @param listeners the listener containers, stopped before cleaning up; none when the
	 * listener is disabled
	 * @param service this application's service name
	 * @param redis the Redis of the registry
	 * @param registryKey the registry key of {@value EndToEndEvent#AGGREGATE_TYPE}
	 * @param meterRegistry the meters of the listener
	 * @param runTimeout the longest wait for one run
	 */
	record EndToEndServices(BenchTopology topology, BrokerAdmin admin, BareClient bare, BareConsumer consumer,
			OutboxLoad outbox, EndToEndEvent event, HandledEvents handled, JdbcTemplate jdbc, OutboxRows rows,
			List<ListenerContainer> listeners, String service, StringRedisTemplate redis, String registryKey,
			MeterRegistry meterRegistry, Duration runTimeout) {

	}

}
