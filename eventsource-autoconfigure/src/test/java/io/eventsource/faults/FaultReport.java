package io.eventsource.faults;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import org.springframework.context.ApplicationContext;

/**
 * The fault suite's summary: each fault test records a row, and the table is printed once
 * all tests of the run are done (a JUnit Platform listener, registered through
 * {@code META-INF/services}).
 */
public class FaultReport implements TestExecutionListener {

	private static final List<Row> rows = new CopyOnWriteArrayList<>();

	/**
	 * Records the outcome of a fault scenario.
	 * @param scenario what was broken
	 * @param published the events committed
	 * @param applied the events applied (once each, in order, or the test fails)
	 * @param duplicatesSuppressed deliveries found applied already
	 * @param parked the events parked
	 * @param recovered how the services came back
	 */
	public static void record(String scenario, long published, long applied, long duplicatesSuppressed, long parked,
			String recovered) {
		rows.add(new Row(scenario, published, applied, duplicatesSuppressed, parked, recovered));
	}

	/**
	 * Returns how many deliveries a listening context counted with an outcome.
	 * @param context the context, with a {@link MeterRegistry} bean
	 * @param outcome the outcome, for example {@code duplicate}
	 * @return the count
	 */
	public static long consumed(ApplicationContext context, String outcome) {
		return (long) context.getBean(MeterRegistry.class)
			.find("eventsource.consumed.events")
			.tag("outcome", outcome)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	@Override
	public void testPlanExecutionFinished(TestPlan testPlan) {
		if (rows.isEmpty()) {
			return;
		}
		StringBuilder table = new StringBuilder("\nFault suite summary\n");
		int width = rows.stream().mapToInt((row) -> row.scenario().length()).max().orElse(8);
		int recoveredWidth = rows.stream().mapToInt((row) -> row.recovered().length()).max().orElse(9);
		String format = "| %-" + width + "s | %9s | %7s | %10s | %6s | %-" + recoveredWidth + "s |%n";
		table.append(String.format(format, "scenario", "published", "applied", "duplicates", "parked", "recovered"));
		table.append(String.format(format, "-".repeat(width), "-".repeat(9), "-".repeat(7), "-".repeat(10),
				"-".repeat(6), "-".repeat(recoveredWidth)));
		for (Row row : rows) {
			table.append(String.format(format, row.scenario(), row.published(), row.applied(),
					row.duplicatesSuppressed(), row.parked(), row.recovered()));
		}
		System.out.println(table);
	}

	private record Row(String scenario, long published, long applied, long duplicatesSuppressed, long parked,
			String recovered) {
	}

}
