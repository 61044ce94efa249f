package io.eventsource.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.store.OutboxRepository;
import io.eventsource.store.OutboxRepository.AggregateRef;
import io.eventsource.store.StoredEvent;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.SendOutcome;
import io.eventsource.topology.SendResult;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * Sends committed rows of {@code public_messages} to the broker through the
 * {@link EventTopology} and marks them relayed once confirmed. It runs on a thread of its
 * own, woken right after each publishing transaction commits and otherwise every poll
 * interval, so that whatever was left behind (a crash, the broker down) is sent later.
 * <p>
 * A pass holds the relay lease (a lock on the relay row, in a transaction of its own) so
 * that relays of several instances take turns, and pages through the unrelayed rows: it
 * reads a page and publishes it, and settles the pages in order as the broker confirms
 * them, marking their confirmed rows, so that reading and publishing overlap the broker's
 * confirms. Under load it waits for one full page while it publishes the next; under a
 * light load several small pages wait at once, and a commit that wakes the relay while it
 * waits is read and published at once. The marks join the lease's transaction and commit
 * with it, so a pass that fails half-way sends its rows again (listeners drop the
 * duplicates). A pass ends when nothing is left to read and every page is settled, and at
 * the latest after {@value #MAX_PASS_MILLIS} ms, so that other instances get their turn.
 * <p>
 * Per aggregate, a row that was not confirmed holds back every later row of its aggregate
 * for the rest of the pass, so rows are marked strictly in sequence order, and an event
 * that reached the broker ahead of an unconfirmed predecessor is sent again after it.
 * Transactions commit in another order than their rows' ids, so a row can become visible
 * below a page already read: a pass sends a row only when it follows the last row of its
 * aggregate the pass sent, or, for an aggregate the pass meets first on a later page,
 * when no earlier row of that aggregate is left unrelayed; otherwise the aggregate waits
 * for the next pass, which reads from the start. A read that skips an id above the
 * highest one read before ends the pass too ({@code IdGaps}), so that a row committed
 * after a later one goes out as soon as it commits. An aggregate that keeps failing is
 * retried with a growing back-off, while every other aggregate flows.
 */
public class OutboxRelay implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	private final OutboxRepository outbox;

	private final EventTopology topology;

	/** The longest a pass holds the relay lease. */
	static final long MAX_PASS_MILLIS = 2_000;

	/** How often the relay looks whether a page it waits for is confirmed. */
	private static final long SETTLE_POLL_MICROS = 200;

	private final TransactionOperations leaseTransactions;

	private final TransactionOperations readTransactions;

	private final int batchSize;

	private final Duration confirmTimeout;

	private final Duration pollInterval;

	private final RelayMetrics metrics;

	private final Clock clock;

	private final RelayBackoff<AggregateRef> backoff;

	private final IdGaps gaps = new IdGaps();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition signal = this.lock.newCondition();

	private boolean signalled;

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	private boolean failing;

	/**
	 * Creates a relay.
	 * @param outbox the outbox
	 * @param topology the topology that sends
	 * @param transactionManager the transaction manager of the outbox's
	 * {@code DataSource}
	 * @param confirmTimeout the longest wait for the confirms of one page
	 * @param batchSize the most rows in one page
	 * @param pollInterval how often to look for rows left behind
	 * @param metrics the meters
	 * @param clock the clock
	 */
	public OutboxRelay(OutboxRepository outbox, EventTopology topology, PlatformTransactionManager transactionManager,
			Duration confirmTimeout, int batchSize, Duration pollInterval, RelayMetrics metrics, Clock clock) {
		Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
		Assert.isTrue(!pollInterval.isNegative() && !pollInterval.isZero(), "'pollInterval' must be positive");
		this.outbox = outbox;
		this.topology = topology;
		// the lease's transaction also holds the pass's marks; no isolation level is
		// set, as it reads nothing but takes row locks, which see the latest commit
		TransactionTemplate lease = new TransactionTemplate(transactionManager);
		lease.setTimeout(Math
			.toIntExact(confirmTimeout.plusMillis(MAX_PASS_MILLIS).multipliedBy(2).plusSeconds(30).toSeconds()));
		this.leaseTransactions = lease;
		// reads run beside the lease's transaction, on connections of their own, so
		// that each sees every row committed before it
		TransactionTemplate read = new TransactionTemplate(transactionManager);
		read.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
		this.readTransactions = read;
		this.batchSize = batchSize;
		this.confirmTimeout = confirmTimeout;
		this.pollInterval = pollInterval;
		this.metrics = metrics;
		this.clock = clock;
		this.backoff = new RelayBackoff<>(pollInterval, Duration.ofMinutes(1));
	}

	/**
	 * Wakes the relay to send what was just committed.
	 */
	public void wakeUp() {
		this.lock.lock();
		try {
			this.signalled = true;
			this.signal.signal();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Sends every unrelayed row that can be sent now: passes over the outbox until one
	 * finds nothing more, and one more right away when something failed (a stale
	 * declaration is repaired that way). Runs on the caller's thread; the relay's own
	 * thread calls it after each wake-up.
	 * @return how many rows were marked relayed
	 */
	public int relayPending() {
		int marked = 0;
		boolean retried = false;
		while (true) {
			Pass pass = pass();
			marked += pass.marked();
			if (pass.stopped()) {
				return marked;
			}
			if (pass.more()) {
				continue;
			}
			if (pass.failed() && !retried) {
				retried = true;
				continue;
			}
			return marked;
		}
	}

	private Pass pass() {
		Pass pass = this.leaseTransactions.execute((status) -> {
			this.outbox.lockRelay();
			return pipeline();
		});
		return (pass != null) ? pass : new Pass(0, false, false, false);
	}

	/**
	 * Reads and publishes pages while earlier ones wait for their confirms, and settles
	 * the pages in order as the broker answers for them.
	 */
	private Pass pipeline() {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_PASS_MILLIS);
		long afterId = 0;
		int marked = 0;
		boolean failed = false;
		boolean stopped = false;
		boolean more = false;
		Set<AggregateRef> heldBack = new HashSet<>();
		Map<AggregateRef, Long> lastSent = new HashMap<>();
		Set<AggregateRef> unconfirmed = new HashSet<>();
		Deque<Page> inFlight = new ArrayDeque<>();
		boolean wrapUp = false;
		boolean readAgain = true;
		boolean woken = false;
		while (true) {
			List<StoredEvent> rows = List.of();
			if (this.thread != null && !this.running) {
				stopped = true;
			}
			else if (more || wrapUp || System.nanoTime() - deadline >= 0) {
				more = true;
			}
			else if (readAgain) {
				rows = read(afterId);
			}
			else if (woken || takeSignal()) {
				// the commit that woke the relay may be a row skipped below the pages
				// read: then the next pass, which reads from the start, sends it
				if (this.gaps.anyOpen()) {
					more = true;
				}
				else {
					rows = read(afterId);
				}
			}
			woken = false;
			boolean gap = this.gaps.newGap(rows);
			if (!rows.isEmpty()) {
				Page next = publish(rows, afterId, heldBack, lastSent);
				inFlight.addLast(next);
				afterId = rows.get(rows.size() - 1).id();
				// a full page may have more behind it; otherwise only a commit since the
				// read (a wake-up) can have added rows
				readAgain = rows.size() >= this.batchSize;
				// a row that became visible late, or that may become visible below the
				// rows read (a gap in their ids), is sent by the next pass, which reads
				// from the start: end this one soon
				wrapUp = next.late() || gap;
			}
			List<Page> due = due(inFlight);
			if (rows.isEmpty() && due.isEmpty() && !inFlight.isEmpty()) {
				// nothing to read: wait for the oldest page's confirms, or for a commit
				if (!stopped && !more && awaitSignalOrSettled(inFlight.peekFirst())) {
					woken = true;
					continue;
				}
				due.add(inFlight.removeFirst());
			}
			if (!due.isEmpty()) {
				Settled settled = settle(due, heldBack, unconfirmed);
				marked += settled.marked();
				failed |= settled.failed();
			}
			if (rows.isEmpty() && inFlight.isEmpty()) {
				if (!stopped && !more && takeSignal()) {
					// rows were committed while the last pages waited for their confirms:
					// read them in this pass rather than after the lease is taken again
					woken = true;
					continue;
				}
				return new Pass(marked, failed, more, stopped);
			}
		}
	}

	/**
	 * Takes the pages to settle now, oldest first: those the broker has answered for, and
	 * the oldest ones while the rows of the pages before the newest make a whole batch
	 * (under load the relay thus waits for one page while it publishes the next).
	 */
	private List<Page> due(Deque<Page> inFlight) {
		List<Page> due = new ArrayList<>();
		int waiting = 0;
		for (Page page : inFlight) {
			waiting += page.sendable().size();
		}
		while (!inFlight.isEmpty()) {
			Page oldest = inFlight.peekFirst();
			int beforeNewest = waiting - inFlight.peekLast().sendable().size();
			if (beforeNewest < this.batchSize && !oldest.publishing().isSettled()) {
				break;
			}
			due.add(inFlight.removeFirst());
			waiting -= oldest.sendable().size();
		}
		return due;
	}

	private List<StoredEvent> read(long afterId) {
		List<StoredEvent> rows = this.readTransactions
			.execute((status) -> this.outbox.findUnrelayed(afterId, this.batchSize));
		return (rows != null) ? rows : List.of();
	}

	private Page publish(List<StoredEvent> rows, long afterId, Set<AggregateRef> heldBack,
			Map<AggregateRef, Long> lastSent) {
		Instant selectedAt = this.clock.instant();
		boolean late = afterId > 0 && holdBackLateRows(rows, afterId, heldBack, lastSent);
		List<StoredEvent> sendable = new ArrayList<>(rows.size());
		for (StoredEvent row : rows) {
			AggregateRef aggregate = aggregate(row);
			long sequence = row.envelope().metadata().sequence();
			Long last = lastSent.get(aggregate);
			if (heldBack.contains(aggregate) || this.backoff.isWaiting(aggregate, selectedAt)) {
				heldBack.add(aggregate);
			}
			else if (last != null && sequence != last + 1) {
				heldBack.add(aggregate);
				late = true;
			}
			else {
				sendable.add(row);
				lastSent.put(aggregate, sequence);
			}
		}
		EventTopology.Publishing publishing = sendable.isEmpty() ? SendResult::new
				: this.topology.publish(sendable.stream().map(StoredEvent::envelope).toList());
		return new Page(sendable, publishing, selectedAt, late);
	}

	/**
	 * Waits for pages' confirms, oldest first, and marks the rows that are relayed, in
	 * order per aggregate: after a row that was not confirmed, no later row of its
	 * aggregate is marked, and none is sent for the rest of the pass. The marks join the
	 * lease's transaction: they commit when the pass ends, and a pass that fails sends
	 * its rows again.
	 */
	private Settled settle(List<Page> pages, Set<AggregateRef> heldBack, Set<AggregateRef> unconfirmed) {
		List<Long> done = new ArrayList<>();
		boolean failed = false;
		for (Page page : pages) {
			SendResult result = page.publishing().await();
			Instant now = this.clock.instant();
			for (StoredEvent row : page.sendable()) {
				AggregateRef aggregate = aggregate(row);
				EventMetadata metadata = row.envelope().metadata();
				SendOutcome outcome = result.outcome(metadata.eventId());
				if (unconfirmed.contains(aggregate)) {
					this.metrics.heldBack(metadata, outcome);
				}
				else if (outcome.isDone()) {
					done.add(row.id());
					this.metrics.relayed(metadata, outcome, now);
					this.backoff.succeeded(aggregate);
				}
				else {
					failed = true;
					unconfirmed.add(aggregate);
					heldBack.add(aggregate);
					this.metrics.relayed(metadata, outcome, now);
					this.backoff.failed(aggregate, now);
				}
			}
		}
		if (!done.isEmpty()) {
			this.outbox.markRelayed(done, pages.get(0).selectedAt());
		}
		return new Settled(done.size(), failed);
	}

	/**
	 * Holds back the aggregates met for the first time in this pass that still have an
	 * unrelayed row at or below the pages already read.
	 * @return whether there was any
	 */
	private boolean holdBackLateRows(List<StoredEvent> rows, long afterId, Set<AggregateRef> heldBack,
			Map<AggregateRef, Long> lastSent) {
		Set<AggregateRef> firstSeen = new LinkedHashSet<>();
		for (StoredEvent row : rows) {
			AggregateRef aggregate = aggregate(row);
			if (!lastSent.containsKey(aggregate) && !heldBack.contains(aggregate)) {
				firstSeen.add(aggregate);
			}
		}
		if (firstSeen.isEmpty()) {
			return false;
		}
		Set<AggregateRef> late = this.readTransactions
			.execute((status) -> this.outbox.withUnrelayedUpTo(afterId, firstSeen));
		if (late == null || late.isEmpty()) {
			return false;
		}
		heldBack.addAll(late);
		return true;
	}

	private static AggregateRef aggregate(StoredEvent row) {
		EventMetadata metadata = row.envelope().metadata();
		return new AggregateRef(metadata.aggregateType(), metadata.aggregateId());
	}

	private void run() {
		while (this.running) {
			awaitSignal();
			if (!this.running) {
				return;
			}
			try {
				relayPending();
				if (this.failing) {
					this.failing = false;
					logger.info("The outbox relay is sending again");
				}
			}
			catch (RuntimeException ex) {
				if (!this.failing) {
					this.failing = true;
					logger.warn("The outbox relay failed; retrying every " + this.pollInterval + ": " + ex, ex);
				}
				else {
					logger.debug("The outbox relay failed again", ex);
				}
			}
			catch (Error ex) {
				this.running = false;
				logger.error("The outbox relay stopped on an error; events wait in the outbox", ex);
				throw ex;
			}
		}
	}

	/**
	 * Returns whether the relay was woken since the last time it looked, and forgets it.
	 */
	private boolean takeSignal() {
		this.lock.lock();
		try {
			boolean signalled = this.signalled;
			this.signalled = false;
			return signalled;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits until the relay is woken (and forgets it) or a page is settled, looking at
	 * the page every {@value #SETTLE_POLL_MICROS} µs, for at most the confirm timeout
	 * (after which the page's own wait times out).
	 * @return whether the relay was woken
	 */
	private boolean awaitSignalOrSettled(Page page) {
		long deadline = System.nanoTime() + this.confirmTimeout.toNanos();
		this.lock.lock();
		try {
			while (!this.signalled && !page.publishing().isSettled() && System.nanoTime() - deadline < 0) {
				this.signal.awaitNanos(TimeUnit.MICROSECONDS.toNanos(SETTLE_POLL_MICROS));
			}
			boolean signalled = this.signalled;
			this.signalled = false;
			return signalled;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void awaitSignal() {
		this.lock.lock();
		try {
			long nanos = this.pollInterval.toNanos();
			while (!this.signalled && this.running && nanos > 0) {
				nanos = this.signal.awaitNanos(nanos);
			}
			this.signalled = false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread thread = new Thread(this::run, "eventsource-relay");
		thread.setDaemon(true);
		this.thread = thread;
		thread.start();
		wakeUp();
	}

	/**
	 * Stops the relay after the round in progress, which finishes and marks what the
	 * broker confirmed; rows not yet sent wait for the next start or another instance.
	 */
	@Override
	public void stop() {
		this.running = false;
		wakeUp();
		Thread thread = this.thread;
		if (thread != null) {
			try {
				thread.join(TimeUnit.SECONDS.toMillis(60));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.thread = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private record Page(List<StoredEvent> sendable, EventTopology.Publishing publishing, Instant selectedAt,
			boolean late) {
	}

	private record Settled(int marked, boolean failed) {
	}

	private record Pass(int marked, boolean failed, boolean more, boolean stopped) {
	}

}
