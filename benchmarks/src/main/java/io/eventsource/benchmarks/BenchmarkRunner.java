package io.eventsource.benchmarks;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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

	private final BenchmarkProperties properties;

	private final BenchmarkServices services;

	private final int relayBatchSize;

	BenchmarkRunner(BenchmarkProperties properties, BenchmarkServices services, int relayBatchSize) {
		this.properties = properties;
		this.services = services;
		this.relayBatchSize = relayBatchSize;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		AggregateTypes types = AggregateTypes.random();
		List<String> aggregateIds = IntStream.rangeClosed(1, this.properties.getAggregates())
			.mapToObj(Integer::toString)
			.toList();
		BenchmarkRuns runs = new BenchmarkRuns(types, aggregateIds, this.services);
		String header = header(types);
		logger.info(header);
		try {
			runs.prepare();
			warmUp(runs, aggregateIds.size());
			List<Comparison> comparisons = measure(runs);
			List<String> notes = new ArrayList<>();
			if (this.properties.isBreakdown()) {
				for (int perTransaction : this.properties.getEventsPerTransaction()) {
					notes.add(runs.breakdown(this.properties.getEvents(), perTransaction));
				}
			}
			runs.problems().forEach((problem) -> notes.add("PROBLEM: " + problem));
			System.out.println(report(header, comparisons, notes));
		}
		finally {
			runs.cleanUp();
		}
	}

	private String header(AggregateTypes types) throws IOException {
		BenchmarkProperties p = this.properties;
		return String.format(Locale.ROOT,
				"eventsource benchmark %s: %d CPUs, Java %s, RabbitMQ %s, %s; types %s*; %d rounds (medians); "
						+ "%,d events per run over %d aggregates, %d publisher threads; %,d new aggregates per run; "
						+ "%d-byte payload; relay batch %d; bare client confirm window %,d",
				LocalDate.now(Clock.systemUTC()), Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), this.services.admin().brokerVersion(),
				this.services.rows().databaseVersion(), types.outbox().replace("Outbox", ""), p.getRounds(),
				p.getEvents(), p.getAggregates(), p.getThreads(), p.getNewAggregates(), p.getPayloadBytes(),
				this.relayBatchSize, p.getConfirmWindow());
	}

	private void warmUp(BenchmarkRuns runs, int aggregates) throws Exception {
		logger.info("Warming up (this also declares the fixed aggregates of both sides)");
		int events = Math.max(this.properties.getWarmupEvents(), aggregates);
		runs.bareSteady(events, "warm-up");
		runs.outboxSteady(events, 1, "warm-up");
		List<String> newIds = newAggregateIds("w", this.properties.getWarmupNewAggregates());
		runs.bareNew(newIds, "warm-up");
		runs.outboxNew(newIds, this.properties.getNewAggregateEventsPerTransaction(), "warm-up");
	}

	private List<Comparison> measure(BenchmarkRuns runs) throws Exception {
		List<Comparison> comparisons = new ArrayList<>();
		for (int perTransaction : this.properties.getEventsPerTransaction()) {
			comparisons.add(new Comparison(STEADY, perTransaction, "msg/s", steadyTarget(perTransaction)));
		}
		int newPerTransaction = this.properties.getNewAggregateEventsPerTransaction();
		Comparison created = new Comparison(NEW_AGGREGATES, newPerTransaction, "aggr/s", 0.8);
		int events = this.properties.getEvents();
		int rounds = this.properties.getRounds();
		for (int round = 1; round <= rounds; round++) {
			String label = "round " + round + "/" + rounds;
			boolean bareFirst = round % 2 == 1;
			for (Comparison steady : comparisons) {
				pair(steady, bareFirst, () -> runs.bareSteady(events, label),
						() -> runs.outboxSteady(events, steady.perTransaction(), label));
			}
			List<String> newIds = newAggregateIds("r" + round, this.properties.getNewAggregates());
			pair(created, bareFirst, () -> runs.bareNew(newIds, label),
					() -> runs.outboxNew(newIds, newPerTransaction, label));
		}
		comparisons.add(created);
		return comparisons;
	}

	private static double steadyTarget(int perTransaction) {
		return switch (perTransaction) {
			case 1 -> 0.25;
			case 10 -> 0.7;
			default -> Double.NaN;
		};
	}

	private static void pair(Comparison comparison, boolean bareFirst, Run bare, Run eventsource) throws Exception {
		if (bareFirst) {
			Measurement baseline = bare.run();
			comparison.add(baseline, eventsource.run());
		}
		else {
			Measurement measured = eventsource.run();
			comparison.add(bare.run(), measured);
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
			.append(ResultTable.render(comparisons));
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
