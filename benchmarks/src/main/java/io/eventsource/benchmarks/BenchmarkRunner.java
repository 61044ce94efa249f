package io.eventsource.benchmarks;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Runs the benchmark: warms both sides up, measures each pair (bare client, eventsource)
 * once per round, alternating which side goes first, prints the table and deletes
 * everything it created.
 */
class BenchmarkRunner implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(BenchmarkRunner.class);

	private static final String STEADY = "(b)/(a) publish in tx, until relayed";

	private static final String NEW_AGGREGATES = "(c) new aggregates, per-aggregate topology";

	private static final String END_TO_END = "(d) publish, relay, handle: until handled";

	private static final String PARTITIONED = "(f) (d) on the partitioned topology";

	private static final String KEY_SPACE = "(g) partitioned, %,d aggregates";

	private static final String REFERENCE_COMMITS = "(b) reference: hand-written outbox, commits";

	private static final String REFERENCE_END_TO_END = "(d) reference: hand-written outbox + inbox";

	private static final String KEY_SPACE_PREFIX = "(g) partitioned, ";

	private final BenchmarkProperties properties;

	private final BenchmarkServices services;

	private final EndToEndRuns.EndToEndServices endToEndServices;

	private final PartitionedRuns partitioned;

	private final @Nullable ReferencePipeline reference;

	private final int relayBatchSize;

	BenchmarkRunner(BenchmarkProperties properties, BenchmarkServices services,
			EndToEndRuns.EndToEndServices endToEndServices, PartitionedRuns partitioned,
			@Nullable ReferencePipeline reference, int relayBatchSize) {
		this.properties = properties;
		this.services = services;
		this.endToEndServices = endToEndServices;
		this.partitioned = partitioned;
		this.reference = reference;
		this.relayBatchSize = relayBatchSize;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		AggregateTypes types = AggregateTypes.random();
		List<String> aggregateIds = IntStream.rangeClosed(1, this.properties.getAggregates())
			.mapToObj(Integer::toString)
			.toList();
		BenchmarkRuns runs = new BenchmarkRuns(types, aggregateIds, this.services);
		EndToEndRuns endToEnd = this.properties.isEndToEnd()
				? new EndToEndRuns(aggregateIds, types.bare(), this.endToEndServices) : null;
		String header = header(types);
		logger.info(header);
		try {
			runs.prepare();
			if (endToEnd != null) {
				endToEnd.prepare();
				this.partitioned.prepare();
			}
			warmUp(runs, endToEnd, aggregateIds.size());
			List<Comparison> comparisons = measure(runs, endToEnd, aggregateIds);
			List<String> notes = new ArrayList<>(referenceNotes(comparisons));
			if (this.properties.isBreakdown()) {
				for (int perTransaction : this.properties.getEventsPerTransaction()) {
					notes.add(runs.breakdown(this.properties.getEvents(), perTransaction));
				}
			}
			if (endToEnd != null) {
				notes.addAll(latencies(endToEnd, comparisons, aggregateIds));
				notes.addAll(this.partitioned.heapNotes());
				endToEnd.problems().forEach((problem) -> notes.add("PROBLEM: " + problem));
				this.partitioned.problems().forEach((problem) -> notes.add("PROBLEM: " + problem));
			}
			runs.problems().forEach((problem) -> notes.add("PROBLEM: " + problem));
			System.out.println(report(header, comparisons, notes));
		}
		finally {
			if (endToEnd != null) {
				endToEnd.cleanUp();
				this.partitioned.cleanUp();
			}
			runs.cleanUp();
		}
	}

	private String header(AggregateTypes types) throws IOException {
		BenchmarkProperties p = this.properties;
		return String.format(Locale.ROOT,
				"eventsource benchmark %s: %d CPUs, Java %s, RabbitMQ %s, %s; types %s*; %d rounds (medians); "
						+ "%,d events per run over %d aggregates, %d publisher threads; %,d new aggregates per run; "
						+ "%d-byte payload; relay batch %d; bare client confirm window %,d%s",
				LocalDate.now(Clock.systemUTC()), Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), this.services.admin().brokerVersion(),
				this.services.rows().databaseVersion(), types.outbox().replace("Outbox", ""), p.getRounds(),
				p.getEvents(), p.getAggregates(), p.getThreads(), p.getNewAggregates(), p.getPayloadBytes(),
				this.relayBatchSize, p.getConfirmWindow(),
				(p.isBareQuorumQueues() ? "; bare client queues: quorum" : "") + (p.isEndToEnd() ? String.format(
						Locale.ROOT,
						"; end to end: %,d events per run, handler in projection 'bench' of %s, bare consumer prefetch"
								+ " = listener prefetch",
						p.getEndToEndEvents(), EndToEndEvent.AGGREGATE_TYPE) : ""));
	}

	private void warmUp(BenchmarkRuns runs, @Nullable EndToEndRuns endToEnd, int aggregates) throws Exception {
		logger.info("Warming up (this also declares the fixed aggregates of both sides)");
		int events = Math.max(this.properties.getWarmupEvents(), aggregates);
		runs.bareSteady(events, "warm-up");
		// every batch size: at 1 event per transaction only, the first measured round at
		// 10
		// still paid for the JIT compiling the relay's larger pages (0.2 against 0.11 ms
		// of
		// the JVM's CPU per event in the next round)
		for (int perTransaction : this.properties.getEventsPerTransaction()) {
			runs.outboxSteady(events, perTransaction, "warm-up");
		}
		List<String> newIds = newAggregateIds("w", this.properties.getWarmupNewAggregates());
		runs.bareNew(newIds, "warm-up");
		runs.outboxNew(newIds, this.properties.getNewAggregateEventsPerTransaction(), "warm-up");
		if (endToEnd != null) {
			int endToEndEvents = Math.max(this.properties.getEndToEndEvents() / 2, aggregates);
			endToEnd.bare(endToEndEvents, "warm-up");
			for (int perTransaction : this.properties.getEventsPerTransaction()) {
				endToEnd.eventsource(endToEndEvents, perTransaction, "warm-up");
				this.partitioned.fixed(endToEndEvents, perTransaction, "warm-up");
			}
		}
	}

	private List<Comparison> measure(BenchmarkRuns runs, @Nullable EndToEndRuns endToEnd, List<String> aggregateIds)
			throws Exception {
		List<Comparison> comparisons = new ArrayList<>();
		List<Comparison> referenceCommitRows = new ArrayList<>();
		for (int perTransaction : this.properties.getEventsPerTransaction()) {
			comparisons.add(new Comparison(STEADY, perTransaction, "msg/s", steadyTarget(perTransaction)));
			referenceCommitRows.add(new Comparison(REFERENCE_COMMITS, perTransaction, "msg/s", Double.NaN));
		}
		ReferencePipeline reference = this.properties.isReferenceThroughput() ? this.reference : null;
		int newPerTransaction = this.properties.getNewAggregateEventsPerTransaction();
		Comparison created = new Comparison(NEW_AGGREGATES, newPerTransaction, "aggr/s", 0.8);
		List<Comparison> endToEndRows = new ArrayList<>();
		List<Comparison> referenceEndToEndRows = new ArrayList<>();
		List<Comparison> partitionedRows = new ArrayList<>();
		List<Comparison> keySpaceRows = new ArrayList<>();
		if (endToEnd != null) {
			for (int perTransaction : this.properties.getEventsPerTransaction()) {
				endToEndRows.add(new Comparison(END_TO_END, perTransaction, "msg/s", endToEndTarget(perTransaction)));
				referenceEndToEndRows.add(new Comparison(REFERENCE_END_TO_END, perTransaction, "msg/s", Double.NaN));
			}
			for (int perTransaction : this.properties.getEventsPerTransaction()) {
				partitionedRows
					.add(new Comparison(PARTITIONED, perTransaction, "msg/s", endToEndTarget(perTransaction)));
			}
			for (int keySpace : this.properties.getKeySpaces()) {
				keySpaceRows.add(new Comparison(String.format(Locale.ROOT, KEY_SPACE, keySpace),
						this.properties.getKeySpaceEventsPerTransaction(), "msg/s",
						endToEndTarget(this.properties.getKeySpaceEventsPerTransaction())));
			}
		}
		int endToEndEvents = this.properties.getEndToEndEvents();
		int events = this.properties.getEvents();
		int rounds = this.properties.getRounds();
		for (int round = 1; round <= rounds; round++) {
			String label = "round " + round + "/" + rounds;
			boolean bareFirst = round % 2 == 1;
			for (int i = 0; i < comparisons.size(); i++) {
				Comparison steady = comparisons.get(i);
				pair(steady, bareFirst, () -> runs.bareSteady(events, label),
						() -> runs.outboxSteady(events, steady.perTransaction(), label));
				if (reference != null) {
					referenceRun(referenceCommitRows.get(i), steady, label, "(b) reference, publishing transactions",
							() -> reference.commits(aggregateIds, events, steady.perTransaction()));
				}
			}
			List<String> newIds = newAggregateIds("r" + round, this.properties.getNewAggregates());
			pair(created, bareFirst, () -> runs.bareNew(newIds, label),
					() -> runs.outboxNew(newIds, newPerTransaction, label));
			for (int i = 0; i < endToEndRows.size(); i++) {
				Comparison row = endToEndRows.get(i);
				pair(row, bareFirst, () -> endToEnd.bare(endToEndEvents, label),
						() -> endToEnd.eventsource(endToEndEvents, row.perTransaction(), label));
				row.figure(TopologyTable.HEAP, Heap.usedMbAfterGc());
				if (reference != null) {
					referenceRun(referenceEndToEndRows.get(i), row, label, "(d) reference, end to end",
							() -> reference.endToEnd(aggregateIds, endToEndEvents, row.perTransaction()));
				}
			}
			for (Comparison row : partitionedRows) {
				pair(row, bareFirst, () -> endToEnd.bare(endToEndEvents, label),
						() -> this.partitioned.fixed(endToEndEvents, row.perTransaction(), label));
				row.figure(TopologyTable.HEAP, Heap.usedMbAfterGc());
			}
			for (int i = 0; i < keySpaceRows.size(); i++) {
				int keySpace = this.properties.getKeySpaces().get(i);
				Comparison row = keySpaceRows.get(i);
				pair(row, bareFirst, () -> endToEnd.bare(endToEndEvents, label), () -> this.partitioned
					.keySpace(keySpace, this.properties.getKeySpaceEvents(), row.perTransaction(), label));
				row.figure(TopologyTable.HEAP, this.partitioned.lastHeapMb());
				row.figure(TopologyTable.NEW_PER_SECOND, this.partitioned.lastNewAggregatesPerSecond());
			}
		}
		if (reference != null) {
			comparisons.addAll(referenceCommitRows);
		}
		comparisons.add(created);
		comparisons.addAll(endToEndRows);
		if (reference != null) {
			comparisons.addAll(referenceEndToEndRows);
		}
		comparisons.addAll(partitionedRows);
		comparisons.addAll(keySpaceRows);
		return comparisons;
	}

	/**
	 * Measures the reference pipeline once and pairs it with the bare client's run of the
	 * pair just measured.
	 */
	private void referenceRun(Comparison row, Comparison pairedWith, String label, String what, Run run)
			throws Exception {
		vacuum();
		// the "measuring" line and the rate's bound the measured part for
		// scripts/cpu-per-event.sh
		logger.info(String.format(Locale.ROOT, "%s %s, %d per tx: measuring", label, what, row.perTransaction()));
		Measurement measured = run.run();
		row.add(pairedWith.lastBaseline(), measured);
		logger.info(String.format(Locale.ROOT, "%s %s, %d per tx: %,d events in %.2f s = %,.0f msg/s", label, what,
				row.perTransaction(), measured.count(), measured.seconds(), measured.rate()));
	}

	/**
	 * Lines that put eventsource's ratios beside the reference pipeline's of the same
	 * rounds, and say when the reference was not measured.
	 */
	private List<String> referenceNotes(List<Comparison> comparisons) {
		if (!this.properties.isReferenceThroughput()) {
			return List.of();
		}
		if (this.reference == null) {
			return List.of("(b), (d) reference: not measured, its SQL is PostgreSQL's and this database is not");
		}
		Map<String, List<String>> compared = Map.of(REFERENCE_COMMITS, List.of(STEADY), REFERENCE_END_TO_END,
				List.of(END_TO_END, PARTITIONED));
		List<String> notes = new ArrayList<>();
		for (Comparison reference : comparisons) {
			List<String> measures = compared.getOrDefault(reference.measure(), List.of());
			for (Comparison row : comparisons) {
				if (measures.contains(row.measure()) && row.perTransaction() == reference.perTransaction()) {
					String line = String.format(Locale.ROOT,
							"%s, %d per tx: ratio %.2f against the reference's %.2f in the same rounds (%.2f of it)",
							row.measure(), row.perTransaction(), row.ratio(), reference.ratio(),
							row.ratio() / reference.ratio());
					if (REFERENCE_COMMITS.equals(reference.measure())) {
						// committing at the reference's rate and relaying at the bare
						// client's, one after the other on the same CPUs
						line += String.format(Locale.ROOT,
								"; publishing transactions as cheap as the reference's and a relay as cheap as the bare"
										+ " client, sharing the machine, would reach %.2f",
								1 / (1 + 1 / reference.ratio()));
					}
					notes.add(line);
				}
			}
		}
		return notes;
	}

	/**
	 * (e) Latency at the configured paced rate, then at half the end-to-end rate measured
	 * at 1 event per transaction (or the first end-to-end row), on each topology; before
	 * each, the reference pipeline's at the same rate.
	 */
	private List<String> latencies(EndToEndRuns endToEnd, List<Comparison> comparisons, List<String> aggregateIds)
			throws Exception {
		List<String> notes = new ArrayList<>();
		Duration duration = this.properties.getLatencyDuration();
		Duration warmup = this.properties.getLatencyWarmup();
		if (this.reference == null && this.properties.isReferenceLatency()) {
			notes.add("(e) reference: not measured, its SQL is PostgreSQL's and this database is not");
		}
		vacuum();
		reference(notes, aggregateIds, this.properties.getLatencyRate());
		notes.add(endToEnd.latency(this.properties.getLatencyRate(), duration, warmup).line());
		Comparison fastest = comparisons.stream()
			.filter((comparison) -> END_TO_END.equals(comparison.measure()))
			.min(Comparator.comparingInt(Comparison::perTransaction))
			.orElse(null);
		if (fastest != null) {
			vacuum();
			reference(notes, aggregateIds, fastest.eventsourceRate() / 2);
			Latency halfLoad = endToEnd.latency(fastest.eventsourceRate() / 2, duration, warmup);
			notes.add(halfLoad.line());
			halfLoadFigures(comparisons, END_TO_END, halfLoad);
		}
		vacuum();
		reference(notes, aggregateIds, this.properties.getLatencyRate());
		notes.add(this.partitioned.latency(endToEnd, this.properties.getLatencyRate(), duration, warmup).line());
		Comparison fastestPartitioned = comparisons.stream()
			.filter((comparison) -> PARTITIONED.equals(comparison.measure()))
			.min(Comparator.comparingInt(Comparison::perTransaction))
			.orElse(null);
		if (fastestPartitioned != null) {
			vacuum();
			reference(notes, aggregateIds, fastestPartitioned.eventsourceRate() / 2);
			Latency halfLoad = this.partitioned.latency(endToEnd, fastestPartitioned.eventsourceRate() / 2, duration,
					warmup);
			notes.add(halfLoad.line());
			halfLoadFigures(comparisons, PARTITIONED, halfLoad);
		}
		return notes;
	}

	private void reference(List<String> notes, List<String> aggregateIds, double rate) throws Exception {
		if (this.reference == null || !this.properties.isReferenceLatency()) {
			return;
		}
		notes.add(this.reference
			.latency(aggregateIds, rate, this.properties.getLatencyDuration(), this.properties.getLatencyWarmup())
			.line());
	}

	private static void halfLoadFigures(List<Comparison> comparisons, String measure, Latency halfLoad) {
		comparisons.stream().filter((comparison) -> measure.equals(comparison.measure())).forEach((comparison) -> {
			comparison.figure(TopologyTable.P50, halfLoad.p50Millis());
			comparison.figure(TopologyTable.P99, halfLoad.p99Millis());
		});
	}

	private static double endToEndTarget(int perTransaction) {
		// a hand-written outbox + inbox pipeline reaches 0.075-0.088 at 1/1 and 0.35-0.40
		// with batching (issue 3)
		return switch (perTransaction) {
			case 1 -> 0.075;
			case 10 -> 0.35;
			default -> Double.NaN;
		};
	}

	private static double steadyTarget(int perTransaction) {
		return switch (perTransaction) {
			case 1 -> 0.25;
			case 10 -> 0.7;
			default -> Double.NaN;
		};
	}

	private void pair(Comparison comparison, boolean bareFirst, Run bare, Run eventsource) throws Exception {
		vacuum();
		if (bareFirst) {
			Measurement baseline = bare.run();
			comparison.add(baseline, eventsource.run());
		}
		else {
			Measurement measured = eventsource.run();
			comparison.add(bare.run(), measured);
		}
	}

	private void vacuum() {
		if (this.properties.isVacuum()) {
			this.services.rows().vacuum();
		}
	}

	private static List<String> newAggregateIds(String prefix, int count) {
		return IntStream.rangeClosed(1, count).mapToObj((i) -> prefix + "-" + i).toList();
	}

	private static String report(String header, List<Comparison> comparisons, List<String> notes) {
		String newLine = System.lineSeparator();
		StringBuilder report = new StringBuilder(newLine).append(header)
			.append(newLine)
			.append(newLine)
			.append(ResultTable.render(comparisons))
			.append(newLine)
			.append(TopologyTable.render(comparisons, NEW_AGGREGATES, END_TO_END, PARTITIONED, KEY_SPACE_PREFIX));
		if (!notes.isEmpty()) {
			report.append(newLine);
			notes.forEach((note) -> report.append(note).append(newLine));
		}
		return report.toString();
	}

	@FunctionalInterface
	private interface Run {

		Measurement run() throws Exception;

	}

}
