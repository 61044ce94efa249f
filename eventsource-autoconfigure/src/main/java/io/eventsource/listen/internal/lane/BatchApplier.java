package io.eventsource.listen.internal.lane;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.internal.dispatch.DispatchOutcome;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.dispatch.ReceivedEvent;
import io.eventsource.listen.internal.dispatch.ReceivedMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The worker threads of a listener container. Aggregate lanes with deliveries to apply
 * queue up here; a worker takes the first waiting lane and then, without waiting, the
 * next ones until the batch is full, and applies all their deliveries in one transaction
 * through {@link EventDispatcher#dispatchAll(List, java.util.function.Predicate)}. A lane
 * is in at most one batch at a time, so the events of one aggregate are applied one batch
 * after the other, in order; batches of different aggregates run in parallel on the
 * workers.
 * <p>
 * A worker adds another aggregate to its batch only while more lanes wait than workers
 * are idle, so that slow handlers of different aggregates still run in parallel. Under a
 * light load a batch holds what one aggregate received since its last batch (often one
 * event); under a heavy load the queue of waiting lanes grows and the batches with it, up
 * to the bound.
 */
public final class BatchApplier {

	private static final Log logger = LogFactory.getLog(BatchApplier.class);

	private static final Comparator<Taken> LOCK_ORDER = Comparator
		.comparing((Taken taken) -> taken.lane().aggregateType())
		.thenComparing((taken) -> taken.lane().aggregateId());

	private final EventDispatcher dispatcher;

	private final ListenerMetrics metrics;

	private final int maxBatch;

	private final BlockingQueue<AggregateLane> ready = new LinkedBlockingQueue<>();

	private final ExecutorService workers;

	private final int concurrency;

	private final AtomicInteger idle = new AtomicInteger();

	private volatile boolean running;

	/**
	 * Creates the workers; {@link #start()} starts them.
	 * @param dispatcher applies the events
	 * @param metrics the meters
	 * @param maxBatch the most events in one transaction
	 * @param concurrency the worker threads
	 * @param threads the factory of the worker threads
	 */
	public BatchApplier(EventDispatcher dispatcher, ListenerMetrics metrics, int maxBatch, int concurrency,
			ThreadFactory threads) {
		this.dispatcher = dispatcher;
		this.metrics = metrics;
		this.maxBatch = maxBatch;
		this.concurrency = concurrency;
		this.workers = Executors.newFixedThreadPool(concurrency, threads);
	}

	void start() {
		this.running = true;
		for (int i = 0; i < this.concurrency; i++) {
			this.workers.execute(this::work);
		}
	}

	/**
	 * Queues a lane that has deliveries to apply.
	 * @param lane the lane
	 */
	void ready(AggregateLane lane) {
		this.ready.add(lane);
	}

	/**
	 * Lets every batch in progress finish, then stops the workers.
	 * @param timeoutMillis the longest wait
	 */
	void stop(long timeoutMillis) {
		this.running = false;
		this.workers.shutdown();
		try {
			this.workers.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.ready.clear();
	}

	private void work() {
		while (this.running) {
			AggregateLane first;
			this.idle.incrementAndGet();
			try {
				first = this.ready.poll(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			finally {
				this.idle.decrementAndGet();
			}
			if (first != null) {
				apply(take(first));
			}
		}
	}

	private List<Taken> take(AggregateLane first) {
		List<Taken> batch = new ArrayList<>();
		int budget = this.maxBatch;
		AggregateLane next = first;
		while (next != null) {
			List<ReceivedMessage> deliveries = next.take(budget);
			if (!deliveries.isEmpty()) {
				batch.add(new Taken(next, deliveries));
				budget -= deliveries.size();
			}
			next = (budget > 0 && this.ready.size() > this.idle.get()) ? this.ready.poll() : null;
		}
		// one order of the position locks for every batch: fewer deadlocks with the
		// batches of another instance during a hand-over
		batch.sort(LOCK_ORDER);
		return batch;
	}

	private void apply(List<Taken> batch) {
		if (batch.isEmpty()) {
			return;
		}
		List<ReceivedEvent> events = new ArrayList<>();
		Map<ReceivedEvent, AggregateLane> lanes = new IdentityHashMap<>();
		// not dispatched: settled as malformed (true), or waiting for the lane's next
		// attempt (false)
		Map<ReceivedMessage, Boolean> held = new IdentityHashMap<>();
		for (Taken taken : batch) {
			boolean settling = true;
			for (ReceivedMessage delivery : taken.deliveries()) {
				if (!settling) {
					// the lane gives back what follows a malformed message that is tried
					// again: applied, parked or counted now, it would be again with it
					held.put(delivery, false);
					continue;
				}
				String problem = problem(taken.lane(), delivery);
				// given up earlier: never applied, also when it has become the next one
				String abandoned = (problem == null) ? abandoned(delivery) : null;
				if (problem != null || abandoned != null) {
					settling = (problem != null)
							? this.dispatcher.settleMalformed(taken.lane().aggregateType(), taken.lane().aggregateId(),
									delivery, problem)
							: this.dispatcher.settleAbandoned(taken.lane().aggregateType(), taken.lane().aggregateId(),
									delivery, abandoned);
					held.put(delivery, settling);
				}
				else if (delivery.metadata() != null) {
					ReceivedEvent event = new ReceivedEvent(delivery.metadata(), delivery.body());
					events.add(event);
					lanes.put(event, taken.lane());
				}
			}
		}
		if (!events.isEmpty()) {
			this.metrics.batch(events.size());
		}
		List<@Nullable DispatchOutcome> outcomes;
		try {
			outcomes = events.isEmpty() ? List.of()
					: this.dispatcher.dispatchAll(events, (event) -> lanes.get(event).isCancelled());
		}
		catch (Throwable ex) {
			logger.warn("Applying " + events.size() + " events failed; they are retried after the retry delay", ex);
			outcomes = null;
		}
		int next = 0;
		for (Taken taken : batch) {
			List<@Nullable DispatchOutcome> own = new ArrayList<>(taken.deliveries().size());
			// from the first delivery tried again on, the lane tries them all again
			boolean retrying = false;
			for (ReceivedMessage delivery : taken.deliveries()) {
				Boolean settled = held.get(delivery);
				DispatchOutcome outcome;
				if (settled != null) {
					// parked or dropped, it is acknowledged; otherwise tried again
					outcome = settled ? DispatchOutcome.PARKED : null;
				}
				else {
					outcome = (outcomes != null) ? outcomes.get(next) : null;
					next++;
					if (!retrying && (outcome == DispatchOutcome.GAP || outcome == DispatchOutcome.DUPLICATE)) {
						outcome = unlessAbandoned(taken.lane(), delivery, outcome);
					}
				}
				retrying = retrying || outcome == null || outcome == DispatchOutcome.FAIL;
				own.add(outcome);
			}
			taken.lane().completed(taken.deliveries(), own);
		}
		// one multiple ack per channel for the whole batch
		batch.stream().map((taken) -> taken.lane().acks()).distinct().forEach(ChannelAcks::flush);
	}

	/**
	 * Returns what makes a delivery something no handler can be given: invalid headers,
	 * or an aggregate other than its queue's.
	 */
	private static @Nullable String problem(AggregateLane lane, ReceivedMessage delivery) {
		EventMetadata metadata = delivery.metadata();
		if (metadata == null) {
			return "Not an eventsource event: " + delivery.headerError();
		}
		if (!metadata.aggregateType().equals(lane.aggregateType())
				|| !metadata.aggregateId().equals(lane.aggregateId())) {
			return "The event of " + metadata.aggregateType() + "-" + metadata.aggregateId() + " arrived on the queue "
					+ lane.queue() + " of another aggregate";
		}
		return null;
	}

	/**
	 * Returns why gap repair gave up an event, or {@code null}.
	 */
	private @Nullable String abandoned(ReceivedMessage delivery) {
		EventMetadata metadata = delivery.metadata();
		return (metadata != null) ? this.dispatcher.abandoned(metadata) : null;
	}

	/**
	 * Parks an event that waits after a gap, or was passed as a duplicate, once gap
	 * repair gave it up (not in the producer's log, another event applied at its
	 * sequence, or no producer answered): away from the projections' positions, under
	 * {@value EventDispatcher#MALFORMED}, so that it never holds back the real events of
	 * its aggregate, and an operator can only look at it and skip it.
	 * @return {@link DispatchOutcome#PARKED} when settled; {@code null} when parking
	 * failed: the lane keeps the delivery and tries it again after its back-off, so that
	 * the attempts to park it are counted on one delivery and end, parked or dropped,
	 * after a bounded number (given back to the broker it would return as a new delivery
	 * and start counting again); the given outcome while it is not given up
	 */
	private @Nullable DispatchOutcome unlessAbandoned(AggregateLane lane, ReceivedMessage delivery,
			DispatchOutcome outcome) {
		String reason = abandoned(delivery);
		if (reason == null) {
			return outcome;
		}
		return this.dispatcher.settleAbandoned(lane.aggregateType(), lane.aggregateId(), delivery, reason)
				? DispatchOutcome.PARKED : null;
	}

	private record Taken(AggregateLane lane, List<ReceivedMessage> deliveries) {
	}

	/**
	 * Returns the projections the last attempt of an aggregate's event failed in.
	 */
	Set<String> failingProjections(String aggregateType, String aggregateId) {
		return this.dispatcher.failingProjections(aggregateType, aggregateId);
	}

	/**
	 * Forgets the failures of an aggregate whose lane was cancelled.
	 */
	void forgetFailures(String aggregateType, String aggregateId) {
		this.dispatcher.forgetFailures(aggregateType, aggregateId);
	}

}
