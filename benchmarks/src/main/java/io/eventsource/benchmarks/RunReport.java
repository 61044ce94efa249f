package io.eventsource.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.commons.logging.Log;

/**
 * What a set of runs logs and finds wrong: progress lines, failed checks, and clean-up
 * steps that carry on past an error.
 */
final class RunReport {

	private final Log logger;

	private final String cleanUpSubject;

	private final List<String> problems = new ArrayList<>();

	/**
	 * Creates a report.
	 * @param logger the logger of the runs
	 * @param cleanUpSubject whose clean-up the warnings name, for example "the
	 * benchmark's"
	 */
	RunReport(Log logger, String cleanUpSubject) {
		this.logger = logger;
		this.cleanUpSubject = cleanUpSubject;
	}

	String log(String format, Object... args) {
		String line = String.format(Locale.ROOT, format, args);
		this.logger.info(line);
		return line;
	}

	void check(boolean condition, String problem) {
		if (!condition) {
			this.logger.warn(problem);
			this.problems.add(problem);
		}
	}

	void attempt(String what, Step step) {
		try {
			step.run();
		}
		catch (Exception ex) {
			this.logger.warn("Could not clean up " + this.cleanUpSubject + " " + what + ": " + ex);
		}
	}

	List<String> problems() {
		return List.copyOf(this.problems);
	}

	/**
	 * One clean-up step.
	 */
	@FunctionalInterface
	interface Step {

		void run() throws Exception;

	}

}
