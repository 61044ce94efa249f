package io.eventsource.benchmarks;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Renders issue 5's table: the bare client, the per-aggregate topology and the
 * partitioned topology (over the fixed aggregates and over each key space), end to end at
 * the largest number of events per transaction, with the ratio to the bare client, the
 * latency at half load, the new aggregates per second and the heap after the run.
 */
final class TopologyTable {

	/** The figure of the heap in use after a run, MB. */
	static final String HEAP = "heapMb";

	/** The figure of the median latency at half load, ms. */
	static final String P50 = "p50";

	/** The figure of the 99th percentile latency at half load, ms. */
	static final String P99 = "p99";

	/** The figure of the new aggregates per second of a run. */
	static final String NEW_PER_SECOND = "newPerSecond";

	private static final String ROW = "| %-34s | %5s | %12s | %5s | %17s | %16s | %10s |%n";

	private TopologyTable() {
	}

	/**
	 * Renders the table; empty when the end-to-end rows were not measured.
	 * @param comparisons every row of the run
	 * @param newAggregates the measure of the new-aggregates row (c)
	 * @param endToEnd the measure of the per-aggregate end-to-end rows (d)
	 * @param partitioned the measure of the partitioned rows (f)
	 * @param keySpacePrefix the start of the measures of the key-space rows (g)
	 * @return the table
	 */
	static String render(List<Comparison> comparisons, String newAggregates, String endToEnd, String partitioned,
			String keySpacePrefix) {
		Comparison perAggregate = widest(comparisons, endToEnd);
		if (perAggregate == null) {
			return "";
		}
		Comparison created = comparisons.stream()
			.filter((comparison) -> newAggregates.equals(comparison.measure()))
			.findFirst()
			.orElse(null);
		StringBuilder table = new StringBuilder();
		table.append(String.format(Locale.ROOT, ROW, "end to end (publish to handler)", "ev/tx", "events/s", "ratio",
				"p50 / p99, half load", "new aggregates/s", "heap after"));
		table.append(String.format(Locale.ROOT, ROW, "-".repeat(34), "----:", "-".repeat(11) + ":", "----:",
				"-".repeat(16) + ":", "-".repeat(15) + ":", "-".repeat(9) + ":"));
		table.append(row("bare client, 200 aggregates", perAggregate.perTransaction(), perAggregate.baselineRate(), 1.0,
				Double.NaN, Double.NaN, (created != null) ? created.baselineRate() : Double.NaN, Double.NaN));
		table.append(row("per-aggregate, 200 aggregates", perAggregate,
				(created != null) ? created.eventsourceRate() : Double.NaN));
		Comparison fixed = widest(comparisons, partitioned);
		if (fixed != null) {
			table.append(row("partitioned, 200 aggregates", fixed, fixed.figure(NEW_PER_SECOND)));
		}
		comparisons.stream()
			.filter((comparison) -> comparison.measure().startsWith(keySpacePrefix))
			.forEach((keySpace) -> table
				.append(row("partitioned, " + keySpace.measure().substring(keySpacePrefix.length()), keySpace,
						keySpace.figure(NEW_PER_SECOND))));
		table.append(String.format(Locale.ROOT,
				"%nRatios against the bare client's publish and consume of the same round; new aggregates/s: the"
						+ " bare client's and the per-aggregate topology's capacity to declare them ((c)), the rate of"
						+ " first events for the key spaces (nothing is declared on the partitioned topology);"
						+ " latency at half the rate reached at 1 event/tx, 200 aggregates ((e)); heap in use after a"
						+ " GC, one process for publisher and listener.%n"));
		return table.toString();
	}

	private static @Nullable Comparison widest(List<Comparison> comparisons, String measure) {
		return comparisons.stream()
			.filter((comparison) -> measure.equals(comparison.measure()))
			.max(Comparator.comparingInt(Comparison::perTransaction))
			.orElse(null);
	}

	private static String row(String label, Comparison comparison, double newPerSecond) {
		return row(label, comparison.perTransaction(), comparison.eventsourceRate(), comparison.ratio(),
				comparison.figure(P50), comparison.figure(P99), newPerSecond, comparison.figure(HEAP));
	}

	private static String row(String label, int perTransaction, double rate, double ratio, double p50, double p99,
			double newPerSecond, double heapMb) {
		return String.format(Locale.ROOT, ROW, label, perTransaction, String.format(Locale.ROOT, "%,.0f", rate),
				String.format(Locale.ROOT, "%.2f", ratio),
				Double.isNaN(p99) ? "-" : String.format(Locale.ROOT, "%.1f / %.1f ms", p50, p99),
				Double.isNaN(newPerSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", newPerSecond),
				Double.isNaN(heapMb) ? "-" : String.format(Locale.ROOT, "%,.0f MB", heapMb));
	}

}
