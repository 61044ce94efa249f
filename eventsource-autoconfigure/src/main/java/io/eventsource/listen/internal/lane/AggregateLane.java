package io.eventsource.listen.internal.lane;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.eventsource.listen.internal.dispatch.DispatchOutcome;
import io.eventsource.listen.internal.dispatch.ReceivedMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The deliveries of one aggregate on one queue, in order: those of a per-aggregate queue
 * {@code {Type}-{id}-{service}}, or those of one aggregate on a partition queue. Hands
 * them to the {@link BatchApplier}, which applies them in batches with those of other
 * aggregates; a lane is in at most one batch at a time.
 * <p>
 * An event that arrives ahead of a missing predecessor waits, unacknowledged, while the
 * following deliveries are tried (the relay sends an event again after a predecessor it
 * could not confirm). When nothing else arrives, the waiting events go back to the queue
 * after the retry delay, so that a predecessor released by another consumer (a hand-over
 * between instances) comes first and the prefetch never fills with events that cannot be
 * applied. A failed event is retried after the back-off and holds back the ones behind
 * it. A message is acknowledged to the broker, on the channel it came from, only once
 * every projection is done with it: the lane marks it done in the channel's
 * {@link ChannelAcks}, which the applier flushes after the batch.
 */
public final class AggregateLane {

	private static final Log logger = LogFactory.getLog(AggregateLane.class);

	private static final Comparator<ReceivedMessage> BY_SEQUENCE = Comparator.comparingLong(ReceivedMessage::sequence);

	private final String aggregateType;

	private final String aggregateId;

	private final String queue;

	private final ChannelAcks acks;

	private final BatchApplier applier;

	private final ScheduledExecutorService scheduler;

	private final Duration retryDelay;

	private final RetryBackoff retryBackoff;

	/** Failed attempts in a row, reset by any event done. */
	private int failures;

	private final Object monitor = new Object();

	private final List<ReceivedMessage> inbound = new ArrayList<>();

	private final List<ReceivedMessage> waiting = new ArrayList<>();

	/** Queued in the applier or in a batch. */
	private boolean scheduled;

	/** Deliveries taken by a batch that has not completed. */
	private boolean inFlight;

	private boolean retryScheduled;

	private volatile long lastActivity = System.nanoTime();

	private volatile boolean cancelled;

	private volatile boolean gaveBack;

	/**
	 * Creates the lane of one aggregate.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @param queue the queue the deliveries come from
	 * @param acks the acknowledgements of the channel they come on
	 * @param applier applies the events
	 * @param scheduler runs the retries
	 * @param retries the waits before early and failed events are tried again
	 */
	public AggregateLane(String aggregateType, String aggregateId, String queue, ChannelAcks acks, BatchApplier applier,
			ScheduledExecutorService scheduler, LaneRetries retries) {
		this.retryBackoff = retries.retryBackoff();
		this.aggregateType = aggregateType;
		this.aggregateId = aggregateId;
		this.queue = queue;
		this.acks = acks;
		this.applier = applier;
		this.scheduler = scheduler;
		this.retryDelay = retries.retryDelay();
	}

	public String aggregateType() {
		return this.aggregateType;
	}

	public String aggregateId() {
		return this.aggregateId;
	}

	public String queue() {
		return this.queue;
	}

	/**
	 * Returns the acknowledgements of the channel this lane's deliveries came on.
	 */
	ChannelAcks acks() {
		return this.acks;
	}

	/**
	 * Returns whether nothing arrived or was in progress for at least the given time.
	 */
	public boolean isIdle(Duration idleTimeout) {
		synchronized (this.monitor) {
			if (this.scheduled || this.inFlight || !this.inbound.isEmpty() || !this.waiting.isEmpty()
					|| this.retryScheduled) {
				return false;
			}
		}
		return System.nanoTime() - this.lastActivity >= idleTimeout.toNanos();
	}

	/**
	 * Returns whether this consumer was cancelled: deliveries it took for a batch and not
	 * yet started are left out and go back to the queue.
	 */
	public boolean isCancelled() {
		return this.cancelled;
	}

	/**
	 * Returns whether this lane, cancelled, gave deliveries back to the queue (those not
	 * started, those a batch left, those that arrived after): the queue then needs a
	 * consumer again, whatever a look at its message count, racing the rejects, says.
	 */
	public boolean gaveBack() {
		return this.gaveBack;
	}

	/**
	 * Stops taking deliveries and gives back at once those not started, so that the next
	 * consumer of the queue (another instance) receives them first.
	 */
	public void cancel() {
		this.cancelled = true;
		List<ReceivedMessage> notStarted;
		synchronized (this.monitor) {
			notStarted = new ArrayList<>(this.inbound);
			notStarted.addAll(this.waiting);
			this.inbound.clear();
			this.waiting.clear();
		}
		notStarted.forEach(this::requeue);
		this.applier.forgetFailures(this.aggregateType, this.aggregateId);
	}

	/**
	 * Waits for the batch in progress to finish.
	 * @param timeout the longest wait
	 */
	public void awaitBatch(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (this.inFlight && System.nanoTime() < deadline) {
				try {
					this.monitor.wait(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
	}

	public void received(ReceivedMessage delivery) {
		this.lastActivity = System.nanoTime();
		synchronized (this.monitor) {
			if (this.cancelled) {
				requeue(delivery);
				return;
			}
			this.inbound.add(delivery);
			if (this.scheduled || this.retryScheduled) {
				return;
			}
			this.scheduled = true;
		}
		this.applier.ready(this);
	}

	/**
	 * Takes the next deliveries for a batch, lowest sequence first.
	 * @param max the most deliveries to take
	 * @return the deliveries, empty when there is nothing to do (then this consumer is no
	 * longer scheduled)
	 */
	List<ReceivedMessage> take(int max) {
		synchronized (this.monitor) {
			if (this.cancelled || this.inbound.isEmpty()) {
				this.scheduled = false;
				this.monitor.notifyAll();
				return List.of();
			}
			this.inbound.sort(BY_SEQUENCE);
			List<ReceivedMessage> taken = new ArrayList<>(this.inbound.subList(0, Math.min(max, this.inbound.size())));
			this.inbound.subList(0, taken.size()).clear();
			this.inFlight = true;
			return taken;
		}
	}

	/**
	 * Takes the outcomes of a batch: acknowledges what is done, keeps early events
	 * waiting, and puts a failed event and those after it back to be retried after the
	 * delay.
	 * @param deliveries the deliveries the batch took
	 * @param outcomes the outcome of each, {@code null} for one not tried
	 */
	void completed(List<ReceivedMessage> deliveries, List<@Nullable DispatchOutcome> outcomes) {
		this.lastActivity = System.nanoTime();
		boolean progress = false;
		int failedAt = -1;
		List<ReceivedMessage> early = new ArrayList<>();
		for (int i = 0; i < deliveries.size(); i++) {
			DispatchOutcome outcome = outcomes.get(i);
			ReceivedMessage delivery = deliveries.get(i);
			if (outcome == null || outcome == DispatchOutcome.FAIL) {
				failedAt = i;
				break;
			}
			if (outcome.isDone()) {
				this.acks.done(delivery.deliveryTag());
				progress = true;
			}
			else {
				if (!delivery.redelivered()) {
					logger.warn("Event " + delivery.describe() + " on " + this.queue
							+ " arrived before an earlier event of its aggregate; it waits for it");
				}
				early.add(delivery);
			}
		}
		List<ReceivedMessage> retry = (failedAt >= 0) ? deliveries.subList(failedAt, deliveries.size()) : List.of();
		// kept beyond this batch: they must not hold back the acks of other lanes
		early.forEach((delivery) -> this.acks.stalled(delivery.deliveryTag()));
		retry.forEach((delivery) -> this.acks.stalled(delivery.deliveryTag()));
		List<ReceivedMessage> giveBack = new ArrayList<>();
		boolean again = false;
		synchronized (this.monitor) {
			this.inFlight = false;
			if (this.cancelled) {
				giveBack.addAll(early);
				giveBack.addAll(retry);
				this.scheduled = false;
			}
			else {
				this.waiting.addAll(early);
				if (!retry.isEmpty()) {
					this.inbound.addAll(0, retry);
					this.scheduled = false;
					this.failures = progress ? 1 : this.failures + 1;
					scheduleRetry(this.retryBackoff.delay(this.failures,
							this.applier.failingProjections(this.aggregateType, this.aggregateId)));
				}
				else {
					if (progress && !this.waiting.isEmpty()) {
						// an applied event may be the predecessor the waiting ones need
						this.inbound.addAll(this.waiting);
						this.waiting.clear();
					}
					if (progress) {
						this.failures = 0;
					}
					again = !this.inbound.isEmpty();
					this.scheduled = again;
					if (!again && !this.waiting.isEmpty()) {
						scheduleRetry(this.retryDelay);
					}
				}
			}
			this.monitor.notifyAll();
		}
		giveBack.forEach(this::requeue);
		if (again) {
			this.applier.ready(this);
		}
	}

	/**
	 * After a delay: waiting deliveries go back to the queue, and a failed one is tried
	 * again.
	 */
	private void scheduleRetry(Duration delay) {
		if (this.retryScheduled) {
			return;
		}
		this.retryScheduled = true;
		this.scheduler.schedule(() -> {
			List<ReceivedMessage> giveBack;
			boolean again;
			synchronized (this.monitor) {
				this.retryScheduled = false;
				giveBack = new ArrayList<>(this.waiting);
				this.waiting.clear();
				again = !this.cancelled && !this.scheduled && !this.inbound.isEmpty();
				if (again) {
					this.scheduled = true;
				}
			}
			giveBack.forEach(this::requeue);
			if (again) {
				this.applier.ready(this);
			}
		}, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Rejects a delivery back to the queue; once cancelled, notes that the queue needs a
	 * consumer again (a retry's give-back racing the cancel included).
	 */
	private void requeue(ReceivedMessage delivery) {
		if (this.cancelled) {
			this.gaveBack = true;
		}
		this.acks.requeue(delivery.deliveryTag());
	}

}
