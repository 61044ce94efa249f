package io.eventsource.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.store.OutboxRepository;
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
 * A pass pages through the unrelayed rows in rounds. Each round locks the relay row in a
 * transaction, reads the next page, sends it, and marks the rows the broker confirmed.
 * The lock makes relays of several instances take turns. Per aggregate, a row that was
 * not confirmed holds back every later row of its aggregate for the rest of the pass, so
 * rows are marked strictly in sequence order, and an event that reached the broker ahead
 * of an unconfirmed predecessor is sent again after it. An aggregate that keeps failing
 * is retried with a growing back-off, while every other aggregate flows.
 */
public class OutboxRelay implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	private final OutboxRepository outbox;

	private final EventTopology topology;

	private final TransactionOperations transactions;

	private final int batchSize;

	private final Duration pollInterval;

	private final RelayMetrics metrics;

	private final Clock clock;

	private final RelayBackoff backoff;

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
	 * @param transactions the transactions of each round, on the outbox's
	 * {@code DataSource} at isolation level read committed (see
	 * {@link #roundTransactions})
	 * @param batchSize the most rows sent in one round
	 * @param pollInterval how often to look for rows left behind
	 * @param metrics the meters
	 * @param clock the clock
	 */
	public OutboxRelay(OutboxRepository outbox, EventTopology topology, TransactionOperations transactions,
			int batchSize, Duration pollInterval, RelayMetrics metrics, Clock clock) {
		Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
		Assert.isTrue(!pollInterval.isNegative() && !pollInterval.isZero(), "'pollInterval' must be positive");
		this.outbox = outbox;
		this.topology = topology;
		this.transactions = transactions;
		this.batchSize = batchSize;
		this.pollInterval = pollInterval;
		this.metrics = metrics;
		this.clock = clock;
		this.backoff = new RelayBackoff(pollInterval, Duration.ofMinutes(1));
	}

	/**
	 * Returns the transactions a relay round runs in: read committed, so that each round
	 * sees every row committed before it, with a timeout well past the confirm timeout.
	 * @param transactionManager the transaction manager of the outbox's
	 * {@code DataSource}
	 * @param confirmTimeout the longest wait for confirms in one round
	 * @return the transaction template
	 */
	public static TransactionTemplate roundTransactions(PlatformTransactionManager transactionManager,
			Duration confirmTimeout) {
		TransactionTemplate template = new TransactionTemplate(transactionManager);
		template.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		template.setTimeout(Math.toIntExact(confirmTimeout.plusSeconds(30).toSeconds()));
		return template;
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
	 * Sends every unrelayed row that can be sent now: one pass over the outbox, and a
	 * second right away when something failed in the first (a stale declaration is
	 * repaired that way). Runs on the caller's thread; the relay's own thread calls it
	 * after each wake-up.
	 * @return how many rows were marked relayed
	 */
	public int relayPending() {
		Pass first = pass();
		if (!first.failed() || first.stopped()) {
			return first.marked();
		}
		return first.marked() + pass().marked();
	}

	private Pass pass() {
		long afterId = 0;
		int marked = 0;
		boolean failed = false;
		Set<String> heldBack = new HashSet<>();
		while (true) {
			Round round = round(afterId, heldBack);
			marked += round.marked();
			failed |= round.failed();
			if (round.selected() < this.batchSize) {
				return new Pass(marked, failed, false);
			}
			if (this.thread != null && !this.running) {
				return new Pass(marked, failed, true);
			}
			afterId = round.lastId();
		}
	}

	private Round round(long afterId, Set<String> heldBack) {
		Round round = this.transactions.execute((status) -> {
			this.outbox.lockRelay();
			List<StoredEvent> rows = this.outbox.findUnrelayed(afterId, this.batchSize);
			if (rows.isEmpty()) {
				return new Round(0, afterId, 0, false);
			}
			Instant selectedAt = this.clock.instant();
			List<StoredEvent> sendable = new ArrayList<>(rows.size());
			for (StoredEvent row : rows) {
				String aggregate = aggregateKey(row);
				if (!heldBack.contains(aggregate) && !this.backoff.isWaiting(aggregate, selectedAt)) {
					sendable.add(row);
				}
				else {
					heldBack.add(aggregate);
				}
			}
			SendResult result = sendable.isEmpty() ? new SendResult()
					: this.topology.send(sendable.stream().map(StoredEvent::envelope).toList());
			Instant now = this.clock.instant();
			List<Long> done = new ArrayList<>(sendable.size());
			boolean failed = false;
			for (StoredEvent row : sendable) {
				String aggregate = aggregateKey(row);
				EventMetadata metadata = row.envelope().metadata();
				SendOutcome outcome = result.outcome(metadata.eventId());
				if (heldBack.contains(aggregate)) {
					this.metrics.heldBack(metadata, outcome);
				}
				else if (outcome.isDone()) {
					done.add(row.id());
					this.metrics.relayed(metadata, outcome, now);
					this.backoff.succeeded(aggregate);
				}
				else {
					failed = true;
					heldBack.add(aggregate);
					this.metrics.relayed(metadata, outcome, now);
					this.backoff.failed(aggregate, now);
				}
			}
			this.outbox.markRelayed(done, now);
			return new Round(rows.size(), rows.get(rows.size() - 1).id(), done.size(), failed);
		});
		return (round != null) ? round : new Round(0, afterId, 0, false);
	}

	private static String aggregateKey(StoredEvent row) {
		EventMetadata metadata = row.envelope().metadata();
		return metadata.aggregateType() + "\u0000" + metadata.aggregateId();
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

	private record Round(int selected, long lastId, int marked, boolean failed) {
	}

	private record Pass(int marked, boolean failed, boolean stopped) {
	}

}
