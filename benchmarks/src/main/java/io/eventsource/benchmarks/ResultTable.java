package io.eventsource.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders the comparisons as a Markdown table, ready to paste into the README.
 */
final class ResultTable {

	private static final String ROW = "| %-46s | %5s | %14s | %14s | %5s | %8s | %-5s | %-20s |%n";

	private ResultTable() {
	}

	/**
	 * Renders comparisons.
	 * @param comparisons the rows
	 * @return the table
	 */
	static String render(List<Comparison> comparisons) {
		StringBuilder table = new StringBuilder();
		table.append(String.format(Locale.ROOT, ROW, "measure", "ev/tx", "bare client", "eventsource", "ratio",
				"target", "met", "ratio of each round"));
		table.append(String.format(Locale.ROOT, ROW, "-".repeat(46), "----:", "-".repeat(13) + ":",
				"-".repeat(13) + ":", "----:", "-------:", "-----", "-".repeat(20)));
		for (Comparison comparison : comparisons) {
			boolean hasTarget = !Double.isNaN(comparison.target());
			table.append(String.format(Locale.ROOT, ROW, comparison.measure(), comparison.perTransaction(),
					rate(comparison.baselineRate(), comparison.unit()),
					rate(comparison.eventsourceRate(), comparison.unit()),
					String.format(Locale.ROOT, "%.2f", comparison.ratio()),
					hasTarget ? ">= " + ratio(comparison.target()) : "-",
					hasTarget ? ((comparison.ratio() >= comparison.target()) ? "yes" : "NO") : "-",
					comparison.ratios()
						.stream()
						.map((ratio) -> String.format(Locale.ROOT, "%.2f", ratio))
						.collect(Collectors.joining(" "))));
		}
		return table.toString();
	}

	private static String ratio(double ratio) {
		String twoDigits = String.format(Locale.ROOT, "%.2f", ratio);
		return (Double.parseDouble(twoDigits) == ratio) ? twoDigits : String.format(Locale.ROOT, "%.3f", ratio);
	}

	private static String rate(double rate, String unit) {
		return String.format(Locale.ROOT, "%,.0f %s", rate, unit);
	}

}
