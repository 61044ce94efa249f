package io.eventsource.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One row of the result table: the bare client and eventsource doing the same work,
 * measured in pairs (one pair per round, each pair run back to back), with the medians of
 * their rates and of the ratio of each pair.
 */
final class Comparison {

	private final String measure;

	private final int perTransaction;

	private final String unit;

	private final double target;

	private final List<Measurement> baselines = new ArrayList<>();

	private final List<Measurement> measured = new ArrayList<>();

	private final Map<String, List<Double>> figures = new LinkedHashMap<>();

	/**
	 * Creates a row.
	 * @param measure what is compared
	 * @param perTransaction events per eventsource transaction
	 * @param unit the unit of the rates
	 * @param target the ratio aimed at, {@code NaN} for none
	 */
	Comparison(String measure, int perTransaction, String unit, double target) {
		this.measure = measure;
		this.perTransaction = perTransaction;
		this.unit = unit;
		this.target = target;
	}

	/**
	 * Adds the pair of one round.
	 * @param baseline the bare client's run
	 * @param eventsource eventsource's run
	 */
	void add(Measurement baseline, Measurement eventsource) {
		this.baselines.add(baseline);
		this.measured.add(eventsource);
	}

	/**
	 * Adds a figure of eventsource's side other than its rate (heap, latency, new
	 * aggregates per second), once per round or run.
	 * @param name the figure
	 * @param value its value
	 */
	void figure(String name, double value) {
		this.figures.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
	}

	/**
	 * Returns the median of a figure.
	 * @param name the figure
	 * @return its median, or NaN when it was not measured
	 */
	double figure(String name) {
		return median(this.figures.getOrDefault(name, List.of()), Double::doubleValue);
	}

	String measure() {
		return this.measure;
	}

	int perTransaction() {
		return this.perTransaction;
	}

	String unit() {
		return this.unit;
	}

	double target() {
		return this.target;
	}

	/**
	 * Returns the bare client's run of the latest round, so that another measure can be
	 * compared with the same baseline.
	 * @return the run
	 */
	Measurement lastBaseline() {
		return this.baselines.get(this.baselines.size() - 1);
	}

	double baselineRate() {
		return median(this.baselines, Measurement::rate);
	}

	double eventsourceRate() {
		return median(this.measured, Measurement::rate);
	}

	/**
	 * Returns the ratio of each round, eventsource over bare client.
	 * @return the ratios, in round order
	 */
	List<Double> ratios() {
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < this.baselines.size(); i++) {
			ratios.add(this.measured.get(i).rate() / this.baselines.get(i).rate());
		}
		return ratios;
	}

	/**
	 * Returns the median of the ratios of the rounds.
	 * @return the ratio
	 */
	double ratio() {
		return median(ratios(), Double::doubleValue);
	}

	private static <T> double median(List<T> values, ToDoubleFunction<T> value) {
		double[] sorted = values.stream().mapToDouble(value).sorted().toArray();
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
