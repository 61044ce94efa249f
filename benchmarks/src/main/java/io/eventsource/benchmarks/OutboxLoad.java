package io.eventsource.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.eventsource.publish.EventPublisher;

import org.springframework.context.Lifecycle;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes through {@link EventPublisher} on several threads, each in transactions of
 * its own, and measures from the first publish until every row of the run is marked
 * relayed.
 * <p>
 * Each thread publishes to aggregates of its own, so publishers never wait for each
 * other's sequence locks: what is measured is the outbox and the relay, not lock
 * contention.
 */
class OutboxLoad implements AutoCloseable {

	private final EventPublisher publisher;

	private final Lifecycle relay;

	private final TransactionOperations transactions;

	private final OutboxRows rows;

	private final BenchEvent event;

	private final int threads;

	private final Duration runTimeout;

	private final ExecutorService executor;

	OutboxLoad(EventPublisher publisher, Lifecycle relay, TransactionOperations transactions, OutboxRows rows,
			BenchEvent event, int threads, Duration runTimeout) {
		this.publisher = publisher;
		this.relay = relay;
		this.transactions = transactions;
		this.rows = rows;
		this.event = event;
		this.threads = threads;
		this.runTimeout = runTimeout;
		AtomicInteger number = new AtomicInteger();
		this.executor = Executors.newFixedThreadPool(threads, (runnable) -> {
			Thread thread = new Thread(runnable, "bench-publisher-" + number.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Publishes events round robin over fixed aggregates.
	 * @param aggregateType the aggregate type
	 * @param aggregateIds the aggregates, split between the threads
	 * @param count how many events
	 * @param perTransaction events per transaction
	 * @return the time until every event is relayed
	 * @throws InterruptedException if interrupted
	 */
	Measurement publish(String aggregateType, List<String> aggregateIds, int count, int perTransaction)
			throws InterruptedException {
		return run(aggregateType, this.event, steadyPlans(aggregateIds, count), perTransaction,
				(deadline) -> this.rows.awaitRelayed(aggregateType, deadline));
	}

	/**
	 * Publishes events round robin over fixed aggregates, as
	 * {@link #publish(String, List, int, int)} does, and measures until they are handled
	 * rather than relayed.
	 * @param aggregateType the aggregate type
	 * @param event the event to publish
	 * @param aggregateIds the aggregates, split between the threads
	 * @param count how many events
	 * @param perTransaction events per transaction
	 * @param handled waits until every event of the run is handled
	 * @return the time until every event is handled
	 * @throws InterruptedException if interrupted
	 */
	Measurement publishUntilHandled(String aggregateType, Object event, List<String> aggregateIds, int count,
			int perTransaction, Completion handled) throws InterruptedException {
		return run(aggregateType, event, steadyPlans(aggregateIds, count), perTransaction, handled);
	}

	/**
	 * Publishes events on aggregates drawn at random from a key space, and measures until
	 * they are handled. Thread <i>t</i> draws from the ids {@code prefix + n} with
	 * <i>n</i> = <i>t</i> modulo the threads, so threads never share an aggregate; with a
	 * key space much larger than the run, nearly every event starts a new aggregate.
	 * @param aggregateType the aggregate type
	 * @param event the event to publish
	 * @param prefix the prefix of the aggregate ids
	 * @param keySpace how many aggregates the ids are drawn from
	 * @param count how many events
	 * @param perTransaction events per transaction
	 * @param seed the seed of the draws
	 * @param handled waits until every event of the run is handled
	 * @return the time until every event is handled
	 * @throws InterruptedException if interrupted
	 */
	Measurement publishRandomUntilHandled(String aggregateType, Object event, String prefix, int keySpace, int count,
			int perTransaction, long seed, Completion handled) throws InterruptedException {
		java.util.Random random = new java.util.Random(seed);
		int perThreadSpace = Math.max(1, keySpace / this.threads);
		List<List<String>> plans = new ArrayList<>();
		for (int thread = 0; thread < this.threads; thread++) {
			int events = count / this.threads + ((thread < count % this.threads) ? 1 : 0);
			List<String> plan = new ArrayList<>(events);
			for (int i = 0; i < events; i++) {
				plan.add(prefix + (thread + (long) this.threads * random.nextInt(perThreadSpace)));
			}
			plans.add(plan);
		}
		return run(aggregateType, event, plans, perTransaction, handled);
	}

	/**
	 * Publishes one event per transaction at a fixed overall rate, the threads taking
	 * turns (thread <i>t</i> publishes the events <i>t</i>, <i>t</i> + threads, … of the
	 * schedule); a thread behind its schedule publishes at once.
	 * @param aggregateType the aggregate type
	 * @param event the event to publish
	 * @param aggregateIds the aggregates, split between the threads
	 * @param rate events per second
	 * @param duration how long to publish
	 * @param committed receives each event's id and the {@link System#nanoTime()} at
	 * which its transaction committed
	 * @return how many events were published
	 * @throws InterruptedException if interrupted
	 */
	int publishPaced(String aggregateType, Object event, List<String> aggregateIds, double rate, Duration duration,
			BiConsumer<UUID, Long> committed) throws InterruptedException {
		int count = (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
		List<List<String>> plans = steadyPlans(aggregateIds, count);
		long intervalNanos = (long) (1e9 / rate);
		long deadline = System.nanoTime() + duration.toNanos() + this.runTimeout.toNanos();
		commit(plans, deadline, (thread, plan, begin) -> {
			for (int i = 0; i < plan.size(); i++) {
				long due = begin + (i * (long) plans.size() + thread) * intervalNanos;
				long wait = due - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				String aggregateId = plan.get(i);
				this.transactions.executeWithoutResult((status) -> {
					UUID eventId = this.publisher.publish(aggregateType, aggregateId, event).eventId();
					TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

						@Override
						public void afterCommit() {
							committed.accept(eventId, System.nanoTime());
						}

					});
				});
			}
		});
		return count;
	}

	private List<List<String>> steadyPlans(List<String> aggregateIds, int count) {
		List<List<String>> plans = new ArrayList<>();
		for (int thread = 0; thread < this.threads; thread++) {
			List<String> own = share(aggregateIds, thread);
			int events = count / this.threads + ((thread < count % this.threads) ? 1 : 0);
			List<String> plan = new ArrayList<>(events);
			for (int i = 0; i < events; i++) {
				plan.add(own.get(i % own.size()));
			}
			plans.add(plan);
		}
		return plans;
	}

	/**
	 * Publishes one event on each of some new aggregates.
	 * @param aggregateType the aggregate type
	 * @param aggregateIds the new aggregate ids, split between the threads
	 * @param perTransaction events (new aggregates) per transaction
	 * @return the time until every event is relayed
	 * @throws InterruptedException if interrupted
	 */
	Measurement createAggregates(String aggregateType, List<String> aggregateIds, int perTransaction)
			throws InterruptedException {
		List<List<String>> plans = new ArrayList<>();
		for (int thread = 0; thread < this.threads; thread++) {
			plans.add(share(aggregateIds, thread));
		}
		return run(aggregateType, this.event, plans, perTransaction,
				(deadline) -> this.rows.awaitRelayed(aggregateType, deadline));
	}

	private List<String> share(List<String> aggregateIds, int thread) {
		List<String> share = new ArrayList<>();
		for (int i = thread; i < aggregateIds.size(); i += this.threads) {
			share.add(aggregateIds.get(i));
		}
		if (share.isEmpty()) {
			throw new IllegalArgumentException("Fewer aggregates (" + aggregateIds.size() + ") than threads");
		}
		return share;
	}

	/**
	 * Publishes as {@link #publish(String, List, int, int)} does, but with the relay
	 * stopped, then starts the relay: measures the publishing transactions alone, then
	 * the relay alone draining the backlog in full batches.
	 * @param aggregateType the aggregate type
	 * @param aggregateIds the aggregates, split between the threads
	 * @param count how many events
	 * @param perTransaction events per transaction
	 * @return the two halves
	 * @throws InterruptedException if interrupted
	 */
	Breakdown publishThenRelay(String aggregateType, List<String> aggregateIds, int count, int perTransaction)
			throws InterruptedException {
		long deadline = System.nanoTime() + this.runTimeout.toNanos();
		long committed;
		this.relay.stop();
		try {
			committed = commit(aggregateType, this.event, steadyPlans(aggregateIds, count), perTransaction, deadline);
		}
		finally {
			this.relay.start();
		}
		long begin = System.nanoTime();
		this.rows.awaitRelayed(aggregateType, deadline);
		long relayed = System.nanoTime() - begin;
		return new Breakdown(new Measurement(count, committed, committed), new Measurement(count, relayed, 0));
	}

	private Measurement run(String aggregateType, Object event, List<List<String>> plans, int perTransaction,
			Completion completion) throws InterruptedException {
		long begin = System.nanoTime();
		long deadline = begin + this.runTimeout.toNanos();
		long published = commit(aggregateType, event, plans, perTransaction, deadline);
		completion.await(deadline);
		long relayed = System.nanoTime() - begin;
		return new Measurement(plans.stream().mapToInt(List::size).sum(), relayed, published);
	}

	/**
	 * Runs the publishers, all starting at once, and returns the time from their start
	 * until the last transaction committed.
	 */
	private long commit(String aggregateType, Object event, List<List<String>> plans, int perTransaction, long deadline)
			throws InterruptedException {
		return commit(plans, deadline, (thread, plan, begin) -> publishAll(aggregateType, event, plan, perTransaction));
	}

	private long commit(List<List<String>> plans, long deadline, Publishing publishing) throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(plans.size());
		CountDownLatch start = new CountDownLatch(1);
		long[] begin = new long[1];
		List<Future<?>> publishers = new ArrayList<>();
		for (int thread = 0; thread < plans.size(); thread++) {
			int number = thread;
			List<String> plan = plans.get(thread);
			publishers.add(this.executor.submit(() -> {
				ready.countDown();
				start.await();
				publishing.publish(number, plan, begin[0]);
				return null;
			}));
		}
		ready.await();
		begin[0] = System.nanoTime();
		start.countDown();
		try {
			for (Future<?> future : publishers) {
				future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			publishers.forEach((future) -> future.cancel(true));
			throw new IllegalStateException("Publishing failed: " + ex, ex);
		}
		return System.nanoTime() - begin[0];
	}

	private void publishAll(String aggregateType, Object event, List<String> plan, int perTransaction) {
		for (int from = 0; from < plan.size(); from += perTransaction) {
			List<String> transaction = plan.subList(from, Math.min(plan.size(), from + perTransaction));
			this.transactions.executeWithoutResult((status) -> {
				for (String aggregateId : transaction) {
					this.publisher.publish(aggregateType, aggregateId, event);
				}
			});
		}
	}

	/**
	 * The two halves of publishing through the outbox, measured apart.
	 *
	 * @param commits the publishing transactions with the relay stopped
	 * @param relay the relay draining what they committed
	 */
	record Breakdown(Measurement commits, Measurement relay) {
	}

	/**
	 * Waits until the events of a run are done (relayed, or handled).
	 */
	@FunctionalInterface
	interface Completion {

		/**
		 * Waits.
		 * @param deadlineNanos the {@link System#nanoTime()} past which to fail
		 * @throws InterruptedException if interrupted
		 */
		void await(long deadlineNanos) throws InterruptedException;

	}

	@FunctionalInterface
	private interface Publishing {

		void publish(int thread, List<String> plan, long beginNanos) throws InterruptedException;

	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
