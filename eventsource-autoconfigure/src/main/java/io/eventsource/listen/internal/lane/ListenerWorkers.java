package io.eventsource.listen.internal.lane;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;

/**
 * The threads of a listener container: the workers that apply events in batches and the
 * timer that runs its maintenance and the lanes' retries.
 *
 * @param applier the workers
 * @param timer the timer
 */
public record ListenerWorkers(BatchApplier applier, ScheduledExecutorService timer) {

	/**
	 * Starts the workers and the timer of a container.
	 * @param dispatcher applies the events
	 * @param metrics the meters
	 * @param maxBatch the most events in one transaction
	 * @param concurrency the worker threads
	 * @param name the prefix of the threads' names
	 * @return the started threads
	 */
	public static ListenerWorkers start(EventDispatcher dispatcher, ListenerMetrics metrics, int maxBatch,
			int concurrency, String name) {
		BatchApplier applier = new BatchApplier(dispatcher, metrics, maxBatch, concurrency,
				DaemonThreads.named(name + "-worker-"));
		applier.start();
		return new ListenerWorkers(applier,
				Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name + "-timer-")));
	}

	/**
	 * Stops the timer, then lets the batches in progress finish and stops the workers.
	 * @param timeout the longest wait for the batches
	 */
	public void stop(Duration timeout) {
		this.timer.shutdownNow();
		this.applier.stop(timeout.toMillis());
	}

}
