package io.eventsource.faults;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import io.eventsource.publish.EventPublisher;

import static org.awaitility.Awaitility.await;

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

	/**
	 * Starts publishing {@link FaultEvents.OrderPlaced} events {@code 0} to
	 * {@code total - 1} over the aggregates {@code prefix0} to
	 * {@code prefix(aggregates-1)}, round robin; a publish that fails is collected, and
	 * the load goes on.
	 * @param publisher the publisher
	 * @param prefix the prefix of the test's aggregate ids
	 * @param aggregates how many aggregates
	 * @param total how many events
	 * @param period the time between two publishes
	 * @return the publishing under way
	 */
	static Publishing publish(EventPublisher publisher, String prefix, int aggregates, int total, Duration period) {
		AtomicInteger published = new AtomicInteger();
		Queue<RuntimeException> failures = new ConcurrentLinkedQueue<>();
		CompletableFuture<Void> done = start(total, period, (i) -> {
			try {
				publisher.publish(FaultEvents.AGGREGATE_TYPE, prefix + (i % aggregates),
						new FaultEvents.OrderPlaced(i));
				published.incrementAndGet();
			}
			catch (RuntimeException ex) {
				failures.add(ex);
			}
		});
		return new Publishing(published, failures, done);
	}

	/**
	 * A publishing load under way.
	 *
	 * @param published how many publishes succeeded so far
	 * @param failures the publishes that failed
	 * @param done completed after the last publish
	 */
	record Publishing(AtomicInteger published, Queue<RuntimeException> failures, CompletableFuture<Void> done) {

		/**
		 * Waits, a minute at the most, until a number of publishes succeeded.
		 * @param count how many
		 */
		void awaitPublished(int count) {
			await().atMost(Duration.ofSeconds(60)).until(() -> this.published.get() >= count);
		}

	}

}
