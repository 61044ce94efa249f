package io.eventsource.publish.internal;

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
import io.eventsource.publish.RelayOperations;
import io.eventsource.store.internal.OutboxRepository;
import io.eventsource.store.internal.OutboxRepository.AggregateRef;
import io.eventsource.store.internal.StoredEvent;
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
 * that relays of several instances take turns, and pages through the unrelayed rows. It
 * reads a page and publishes it; after a full page (a backlog) it reads and publishes the
 * next one before it waits for the confirms of the one before, so that reading and
 * publishing overlap the broker's confirms. After a shorter page (caught up) it waits for
 * the next commit's wake-up, not for the confirms: what commits meanwhile is read and
 * published at once, while the pages sent before wait for their confirms (which arrive
 * after the broker wrote the messages to disk), so that no event waits for the confirms
 * of another. It marks the rows of each page once its confirms are in, in the lease's
 * transaction, which commits them when the pass ends: a pass ends when nothing is left to
 * read or to settle, and at the latest after {@value #MAX_PASS_MILLIS} ms plus the
 * confirm wait of its pages, so that other instances get their turn. A row's mark thus
 * commits at most that long after the time it records; if the lease's transaction fails,
 * the pass's rows are sent again (each listener skips what it has applied).
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
public class OutboxRelay implements RelayOperations, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	private final OutboxRepository outbox;

	private final EventTopology topology;

	/** The longest a pass holds the relay lease. */
	static final long MAX_PASS_MILLIS = 2_000;

	/** How often a relay that is caught up looks at the confirms of the pages it sent. */
	private static final long CONFIRMS_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** How long a pass that has nothing left waits for another commit before it ends. */
	private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final TransactionOperations leaseTransactions;

	private final TransactionOperations readTransactions;

	private final int batchSize;

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
		TransactionTemplate lease = new TransactionTemplate(transactionManager);
		lease.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		lease.setTimeout(Math
			.toIntExact(confirmTimeout.plusMillis(MAX_PASS_MILLIS).multipliedBy(2).plusSeconds(30).toSeconds()));
		this.leaseTransactions = lease;
		// reads run beside the lease's transaction, on a connection of their own, so that
		// each sees every row committed before it; marks run in the lease's transaction
		TransactionTemplate read = new TransactionTemplate(transactionManager);
		read.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
		this.readTransactions = read;
		this.batchSize = batchSize;
		this.pollInterval = pollInterval;
		this.metrics = metrics;
		this.clock = clock;
		this.backoff = new RelayBackoff<>(pollInterval, Duration.ofMinutes(1));
	}

	@Override
	public long backlog() {
		return this.outbox.backlog().count();
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
	@Override
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
	 * Reads and publishes the pages of a pass. After a full page (a backlog) it reads and
	 * publishes the next one while the previous one waits for its confirms. Caught up, it
	 * publishes what commits next as soon as it is woken, while the pages sent wait for
	 * their confirms, and marks each page once its confirms are in; the pass ends when
	 * nothing is left to read or to settle.
	 */
	private Pass pipeline() {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_PASS_MILLIS);
		long afterId = 0;
		Settled settled = new Settled(0, false);
		boolean stopped = false;
		boolean more = false;
		Set<AggregateRef> heldBack = new HashSet<>();
		Map<AggregateRef, Long> lastSent = new HashMap<>();
		Set<AggregateRef> unconfirmed = new HashSet<>();
		Deque<Page> inFlight = new ArrayDeque<>();
		boolean wrapUp = false;
		boolean read = true;
		while (true) {
			List<StoredEvent> rows = List.of();
			if ((this.thread != null && !this.running) || Thread.currentThread().isInterrupted()) {
				stopped = true;
			}
			else if (wrapUp || System.nanoTime() - deadline >= 0) {
				more = true;
			}
			else if (read) {
				rows = read(afterId);
			}
			boolean gap = this.gaps.newGap(rows);
			Page next = rows.isEmpty() ? null : publish(rows, afterId, heldBack, lastSent);
			boolean backlog = rows.size() == this.batchSize;
			boolean ending = stopped || more;
			// after a full page, the pages before it are settled while it is confirmed;
			// otherwise those whose confirms are in, and every one when the pass ends
			settled = settled.and(settle(inFlight, backlog || ending, heldBack, unconfirmed));
			if (ending) {
				return new Pass(settled.marked(), settled.failed(), more, stopped);
			}
			if (next != null) {
				inFlight.add(next);
				afterId = rows.get(rows.size() - 1).id();
				// a row that became visible late, or that may become visible below the
				// rows read (a gap in their ids), is sent by the next pass, which reads
				// from the start: end this one soon
				wrapUp = next.late() || gap;
			}
			if (backlog || wrapUp) {
				read = true;
			}
			else if (next == null && inFlight.isEmpty()) {
				// nothing left: keep the lease a moment for what commits next, so that a
				// steady flow does not wait for a new lease (and the commit of the marks)
				// before each event
				read = awaitSignal(LINGER_NANOS);
				if (!read) {
					return new Pass(settled.marked(), settled.failed(), false, false);
				}
			}
			else {
				// caught up: read again once a transaction commits; meanwhile, look
				// at the confirms of the pages sent every millisecond
				read = awaitSignal(CONFIRMS_CHECK_NANOS);
			}
		}
	}

	/**
	 * Settles the pages in flight, oldest first: all of them, or those whose confirms are
	 * in.
	 */
	private Settled settle(Deque<Page> inFlight, boolean all, Set<AggregateRef> heldBack,
			Set<AggregateRef> unconfirmed) {
		Settled settled = new Settled(0, false);
		while (!inFlight.isEmpty() && (all || inFlight.peekFirst().publishing().isSettled())) {
			settled = settled.and(settle(inFlight.removeFirst(), heldBack, unconfirmed));
		}
		return settled;
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
	 * Waits for a page's confirms and marks the rows that are relayed, in order per
	 * aggregate: after a row that was not confirmed, no later row of its aggregate is
	 * marked, and none is sent for the rest of the pass.
	 */
	private Settled settle(Page page, Set<AggregateRef> heldBack, Set<AggregateRef> unconfirmed) {
		SendResult result = page.publishing().await();
		Instant now = this.clock.instant();
		List<Long> done = new ArrayList<>(page.sendable().size());
		boolean failed = false;
		// when the broker or the registry was away (or the connection was lost) the
		// failures are none of the aggregates': backing each off would delay them up to a
		// minute after the
		// broker is back; the next pass tries them at the poll interval
		boolean unreachable = result.isUnreachable();
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
				if (!unreachable) {
					this.backoff.failed(aggregate, now);
				}
			}
		}
		if (!done.isEmpty()) {
			this.outbox.markRelayed(done, page.selectedAt());
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
	 * Waits for a wake-up or the poll interval; {@link #stop()} wakes the relay too.
	 */
	private void awaitSignal() {
		awaitSignal(this.pollInterval.toNanos());
		if (Thread.currentThread().isInterrupted()) {
			this.running = false;
		}
	}

	/**
	 * Waits at most a while for a wake-up and consumes it.
	 * @return whether one came
	 */
	private boolean awaitSignal(long nanos) {
		this.lock.lock();
		try {
			long left = nanos;
			while (!this.signalled && left > 0) {
				left = this.signal.awaitNanos(left);
			}
			boolean woken = this.signalled;
			this.signalled = false;
			return woken;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
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

		Settled and(Settled more) {
			return new Settled(this.marked + more.marked, this.failed || more.failed);
		}

	}

	private record Pass(int marked, boolean failed, boolean more, boolean stopped) {
	}

}
