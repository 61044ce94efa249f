package io.eventsource.publish.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.eventsource.publish.RelayOperations;
import io.eventsource.publish.internal.PageSettler.Settled;
import io.eventsource.store.internal.AggregateRef;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.store.internal.StoredEvent;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.SendOutcomes;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

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

	/** The longest a pass holds the relay lease. */
	static final long MAX_PASS_MILLIS = 2_000;

	/** How often a relay that is caught up looks at the confirms of the pages it sent. */
	private static final long CONFIRMS_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** How long a pass that has nothing left waits for another commit before it ends. */
	private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final PublicMessageRepository outbox;

	private final EventTopology topology;

	private final TransactionOperations leaseTransactions;

	private final OutboxReads reads;

	private final PageSettler settler;

	private final Clock clock;

	private final RelayBackoff<AggregateRef> backoff;

	private final IdGaps gaps = new IdGaps();

	private final RelaySignal signal = new RelaySignal();

	private final RelayThread thread;

	/**
	 * Creates a relay.
	 * @param outbox the outbox
	 * @param topology the topology that sends
	 * @param transactionManager the transaction manager of the outbox's
	 * {@code DataSource}
	 * @param settings the confirm timeout, page size and poll interval
	 * @param metrics the meters
	 * @param clock the clock
	 */
	public OutboxRelay(PublicMessageRepository outbox, EventTopology topology,
			PlatformTransactionManager transactionManager, RelaySettings settings, RelayMetrics metrics, Clock clock) {
		Duration pollInterval = settings.pollInterval();
		this.outbox = outbox;
		this.topology = topology;
		TransactionTemplate lease = new TransactionTemplate(transactionManager);
		lease.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		lease.setTimeout(Math.toIntExact(
				settings.confirmTimeout().plusMillis(MAX_PASS_MILLIS).multipliedBy(2).plusSeconds(30).toSeconds()));
		this.leaseTransactions = lease;
		this.reads = new OutboxReads(outbox, transactionManager, settings.batchSize());
		this.clock = clock;
		this.backoff = new RelayBackoff<>(pollInterval, Duration.ofMinutes(1));
		this.settler = new PageSettler(outbox, this.backoff, metrics, clock);
		this.thread = new RelayThread(this::relayPending, this.signal, pollInterval);
	}

	@Override
	public long backlog() {
		return this.outbox.backlog().count();
	}

	/**
	 * Wakes the relay to send what was just committed.
	 */
	public void wakeUp() {
		this.signal.signal();
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
		Settled settled = Settled.NONE;
		boolean stopped = false;
		boolean more = false;
		AggregateOrder order = new AggregateOrder(this.backoff, this.reads::withUnrelayedUpTo);
		Deque<SentPage> inFlight = new ArrayDeque<>();
		boolean wrapUp = false;
		boolean read = true;
		while (true) {
			List<StoredEvent> rows = List.of();
			if (this.thread.isStopping() || Thread.currentThread().isInterrupted()) {
				stopped = true;
			}
			else if (wrapUp || System.nanoTime() - deadline >= 0) {
				more = true;
			}
			else if (read) {
				rows = this.reads.page(afterId);
			}
			boolean gap = this.gaps.newGap(rows);
			SentPage next = rows.isEmpty() ? null : publish(rows, afterId, order);
			boolean backlog = this.reads.isFull(rows);
			boolean ending = stopped || more;
			// after a full page, the pages before it are settled while it is confirmed;
			// otherwise those whose confirms are in, and every one when the pass ends
			settled = settled.and(this.settler.settle(inFlight, backlog || ending, order));
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
				read = this.signal.await(LINGER_NANOS);
				if (!read) {
					return new Pass(settled.marked(), settled.failed(), false, false);
				}
			}
			else {
				// caught up: read again once a transaction commits; meanwhile, look
				// at the confirms of the pages sent every millisecond
				read = this.signal.await(CONFIRMS_CHECK_NANOS);
			}
		}
	}

	private SentPage publish(List<StoredEvent> rows, long afterId, AggregateOrder order) {
		Instant selectedAt = this.clock.instant();
		AggregateOrder.Selection selection = order.select(rows, afterId, selectedAt);
		List<StoredEvent> sendable = selection.sendable();
		EventTopology.Publishing publishing = sendable.isEmpty() ? SendOutcomes::new
				: this.topology.publish(sendable.stream().map(StoredEvent::envelope).toList());
		return new SentPage(sendable, publishing, selectedAt, selection.late());
	}

	@Override
	public void start() {
		this.thread.start();
	}

	/**
	 * Stops the relay after the round in progress, which finishes and marks what the
	 * broker confirmed; rows not yet sent wait for the next start or another instance.
	 */
	@Override
	public void stop() {
		this.thread.stop();
	}

	@Override
	public boolean isRunning() {
		return this.thread.isRunning();
	}

	private record Pass(int marked, boolean failed, boolean more, boolean stopped) {
	}

}
