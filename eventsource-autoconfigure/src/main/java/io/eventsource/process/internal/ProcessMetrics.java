package io.eventsource.process.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The meters of process managers: instances started, completed, timed out, rejected
 * events and upgrades, tagged with the process type and version, counted once the
 * transaction that did it commits.
 */
public class ProcessMetrics {

	private final MeterRegistry registry;

	/**
	 * Creates the meters.
	 * @param registry the registry
	 */
	public ProcessMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void started(String type, int version) {
		count("eventsource.processes.started", "Process instances started", type, version);
	}

	void completed(String type, int version) {
		count("eventsource.processes.completed", "Process instances completed", type, version);
	}

	void timedOut(String type, int version) {
		count("eventsource.processes.timed.out", "Process timeouts handled", type, version);
	}

	void rejected(String type, int version) {
		count("eventsource.processes.rejected", "Events rejected by process instances", type, version);
	}

	void upgraded(String type, int version) {
		count("eventsource.processes.upgraded", "Process instances moved to another version", type, version);
	}

	private void count(String name, String description, String type, int version) {
		Runnable increment = () -> Counter.builder(name)
			.description(description)
			.tag("process", type)
			.tag("version", Integer.toString(version))
			.register(this.registry)
			.increment();
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					increment.run();
				}
			});
		}
		else {
			increment.run();
		}
	}

}
