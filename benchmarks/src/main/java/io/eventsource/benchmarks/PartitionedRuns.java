package io.eventsource.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.eventsource.topology.PartitionedNames;
import io.micrometer.core.instrument.DistributionSummary;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The partitioned end-to-end runs: eventsource publishing in transactions to the fixed
 * aggregate type {@value PartitionedEvent#AGGREGATE_TYPE}, which goes through the
 * partitioned topology to this application's own partition queues and
 * {@link EndToEndHandler}; measured until the handler committed every event. The bare
 * client's side of each comparison is the end-to-end run of {@link EndToEndRuns}.
 */
class PartitionedRuns {

	private static final Log logger = LogFactory.getLog(PartitionedRuns.class);

	private static final String TYPE = PartitionedEvent.AGGREGATE_TYPE;

	private final List<String> aggregateIds;

	private final EndToEndRuns.EndToEndServices services;

	private final PartitionedEvent event;

	private final int partitions;

	private final RunReport report = new RunReport(logger, "the partitioned");

	private final List<String> heapNotes = new ArrayList<>();

	private long lastHeapMb;

	private double lastNewAggregatesPerSecond;

	private int keySpaceRuns;

	PartitionedRuns(List<String> aggregateIds, EndToEndRuns.EndToEndServices services, PartitionedEvent event,
			int partitions) {
		this.aggregateIds = aggregateIds;
		this.services = services;
		this.event = event;
		this.partitions = partitions;
	}

	/**
	 * Deletes what an earlier benchmark left of the fixed aggregate type: the events
	 * waiting in the partitions and the rows.
	 * @throws IOException if the broker refuses
	 */
	void prepare() throws IOException {
		this.services.admin().purge(queues());
		deleteRows();
	}

	/**
	 * Publishes round robin over the fixed aggregates in transactions; measured until the
	 * handler committed every event.
	 * @param events how many events
	 * @param perTransaction events per transaction
	 * @param label the label of the log line
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Measurement fixed(int events, int perTransaction, String label) throws Exception {
		HandledEvents handled = this.services.handled();
		handled.reset(false);
		double[] before = batches();
		Measurement measurement = this.services.outbox()
			.publishUntilHandled(TYPE, this.event, this.aggregateIds, events, perTransaction,
					(deadline) -> handled.await(events, deadline));
		check(events, label);
		double[] after = batches();
		double transactions = after[0] - before[0];
		this.report.log(
				"%s (f) partitioned end to end, %d per tx over %d aggregates: %,d events committed in %.2f s, all"
						+ " handled in %.2f s = %,.0f msg/s; listener transactions: %,.0f, %.1f events each",
				label, perTransaction, this.aggregateIds.size(), events, measurement.publishedSeconds(),
				measurement.seconds(), measurement.rate(), transactions, (after[1] - before[1]) / transactions);
		return measurement;
	}

	/**
	 * Publishes on aggregates drawn at random from a key space; measured until the
	 * handler committed every event; notes the heap in use afterwards.
	 * @param keySpace how many aggregates the events are drawn from
	 * @param events how many events
	 * @param perTransaction events per transaction
	 * @param label the label of the log line
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Measurement keySpace(int keySpace, int events, int perTransaction, String label) throws Exception {
		HandledEvents handled = this.services.handled();
		handled.reset(false);
		Long lastId = this.services.jdbc()
			.queryForObject("SELECT MAX(id) FROM public_messages WHERE topic = ?", Long.class, TYPE);
		Measurement measurement = this.services.outbox()
			.publishRandomUntilHandled(TYPE, this.event, "k" + keySpace + "-", keySpace, events, perTransaction,
					++this.keySpaceRuns, (deadline) -> handled.await(events, deadline));
		check(events, label);
		Long firsts = this.services.jdbc()
			.queryForObject("SELECT COUNT(*) FROM public_messages WHERE topic = ? AND id > ? AND sequence = 1",
					Long.class, TYPE, (lastId != null) ? lastId : 0);
		this.lastNewAggregatesPerSecond = ((firsts != null) ? firsts : 0) / measurement.seconds();
		long heap = Heap.usedMbAfterGc();
		this.lastHeapMb = heap;
		this.report.log(
				"%s (g) partitioned, %,d aggregates in the key space, %d per tx: %,d events handled in %.2f s"
						+ " = %,.0f msg/s, %,.0f of them new aggregates/s; heap in use after the run %,d MB",
				label, keySpace, perTransaction, events, measurement.seconds(), measurement.rate(),
				this.lastNewAggregatesPerSecond, heap);
		this.heapNotes.add(String.format(java.util.Locale.ROOT,
				"(g) %,d aggregates, %s: heap in use after the run %,d MB", keySpace, label, heap));
		return measurement;
	}

	/**
	 * Returns the heap in use after the last key-space run.
	 * @return the heap, in MB
	 */
	long lastHeapMb() {
		return this.lastHeapMb;
	}

	/**
	 * Returns the rate of new aggregates (first events) of the last key-space run.
	 * @return new aggregates per second
	 */
	double lastNewAggregatesPerSecond() {
		return this.lastNewAggregatesPerSecond;
	}

	/**
	 * (e) on the partitioned topology: the latency from publish to the handler's commit
	 * at a paced rate, measured by the end-to-end runs for this aggregate type.
	 * @param endToEnd the end-to-end runs
	 * @param rate events per second
	 * @param duration how long to publish
	 * @param warmup how long to publish first without recording
	 * @return the latency, with a line for the report
	 * @throws Exception if the run fails
	 */
	Latency latency(EndToEndRuns endToEnd, double rate, java.time.Duration duration, java.time.Duration warmup)
			throws Exception {
		return endToEnd.latency(TYPE, this.event, "partitioned", rate, duration, warmup);
	}

	/**
	 * Returns the heap in use after each key-space run.
	 * @return one line per run
	 */
	List<String> heapNotes() {
		return List.copyOf(this.heapNotes);
	}

	/**
	 * Returns what the checks after each run found wrong.
	 * @return the problems, empty when all is well
	 */
	List<String> problems() {
		return this.report.problems();
	}

	/**
	 * Deletes the partition queues, the instances queue and the exchange of the fixed
	 * type, and its rows; the listener must be stopped first.
	 */
	void cleanUp() {
		List<String> queues = new ArrayList<>(queues());
		queues.add(PartitionedNames.instancesQueue(TYPE, this.services.service()));
		this.report.attempt("queues and exchange",
				() -> this.services.admin().delete(queues, List.of(PartitionedNames.exchange(TYPE))));
		this.report.attempt("rows", this::deleteRows);
	}

	private void check(int events, String label) {
		JdbcTemplate jdbc = this.services.jdbc();
		Long rows = jdbc.queryForObject("SELECT COUNT(*) FROM " + EndToEndHandler.TABLE, Long.class);
		jdbc.update("DELETE FROM " + EndToEndHandler.TABLE);
		this.report.check(rows != null && rows == events, label + " partitioned: " + events + " events handled but "
				+ rows + " rows in " + EndToEndHandler.TABLE);
	}

	private List<String> queues() {
		return IntStream.range(0, this.partitions)
			.mapToObj((k) -> PartitionedNames.queue(TYPE, this.services.service(), k))
			.toList();
	}

	private double[] batches() {
		DistributionSummary summary = this.services.meterRegistry().find("eventsource.listener.batch.events").summary();
		return (summary != null) ? new double[] { summary.count(), summary.totalAmount() } : new double[] { 0, 0 };
	}

	private void deleteRows() {
		JdbcTemplate jdbc = this.services.jdbc();
		int events = jdbc.update("DELETE FROM public_messages WHERE topic = ?", TYPE);
		jdbc.update("DELETE FROM aggregate_sequences WHERE aggregate_type = ?", TYPE);
		jdbc.update("DELETE FROM message_acks WHERE aggregate_type = ?", TYPE);
		jdbc.update("DELETE FROM projection_positions WHERE aggregate_type = ?", TYPE);
		logger.info("Deleted " + events + " events of " + TYPE);
	}

}
