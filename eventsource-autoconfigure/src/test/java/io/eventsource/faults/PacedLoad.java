package io.eventsource.faults;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A load at a fixed rate: an action run a number of times, one every period, on a thread
 * of its own, while the test breaks something.
 */
final class PacedLoad {

	private PacedLoad() {
	}

	/**
	 * Starts running an action.
	 * @param times how many times
	 * @param period the time between two runs
	 * @param action the action, given the run's number from 0
	 * @return completed after the last run, or exceptionally with what an action threw
	 */
	static CompletableFuture<Void> start(int times, Duration period, IntConsumer action) {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
		CompletableFuture<Void> done = new CompletableFuture<>();
		AtomicInteger next = new AtomicInteger();
		executor.scheduleAtFixedRate(() -> {
			int run = next.getAndIncrement();
			if (run >= times) {
				done.complete(null);
				return;
			}
			try {
				action.accept(run);
			}
			catch (RuntimeException ex) {
				done.completeExceptionally(ex);
			}
		}, 0, period.toNanos(), TimeUnit.NANOSECONDS);
		done.whenComplete((result, ex) -> executor.shutdownNow());
		return done;
	}

}
