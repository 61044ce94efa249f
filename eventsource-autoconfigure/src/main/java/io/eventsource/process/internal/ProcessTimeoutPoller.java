package io.eventsource.process.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.eventsource.process.ProcessTimedOut;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.store.internal.ProcessTimeoutRepository.Timeout;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Fires the timeouts process instances asked for once they are due: in one transaction,
 * takes a due timeout's row (passing over rows another instance holds), appends a
 * {@link ProcessTimedOut} event to the process's stream with an id derived from the
 * timeout, and deletes the row. A timeout fires once, by whichever instance of the
 * service takes it first, also after a restart.
 */
public class ProcessTimeoutPoller implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ProcessTimeoutPoller.class);

	private static final int BATCH = 100;

	private final String service;

	private final ProcessStore store;

	private final EventPublisher publisher;

	private final TransactionOperations transactions;

	private final Duration interval;

	private final Clock clock;

	private final ProcessDefinitions definitions;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Creates the poller.
	 * @param service this service
	 * @param definitions the process definitions: with none, the poller does not run
	 * @param store the process tables
	 * @param publisher the publisher the timeouts go out through
	 * @param transactions the transactions, on the outbox's data source
	 * @param interval how often to look for due timeouts
	 * @param clock the clock
	 */
	public ProcessTimeoutPoller(String service, ProcessDefinitions definitions, ProcessStore store,
			EventPublisher publisher, TransactionOperations transactions, Duration interval, Clock clock) {
		this.service = service;
		this.definitions = definitions;
		this.store = store;
		this.publisher = publisher;
		this.transactions = transactions;
		this.interval = interval;
		this.clock = clock;
	}

	/**
	 * Fires the timeouts due now.
	 * @return how many fired
	 */
	public int fireDue() {
		int fired = 0;
		int taken;
		do {
			Integer count = this.transactions.execute((status) -> {
				List<Timeout> due = this.store.timeouts().lockDue(this.service, this.clock.instant(), BATCH);
				due.forEach(this::fire);
				return due.size();
			});
			taken = (count != null) ? count : 0;
			fired += taken;
		}
		while (taken == BATCH);
		return fired;
	}

	private void fire(Timeout timeout) {
		UUID id = ProcessIds.derived(timeout.processType(), timeout.processId(), "timeout", timeout.name(),
				timeout.dueAt().toString());
		if (!this.store.outbox().contains(id)) {
			this.publisher.publish(timeout.processType(), timeout.processId(),
					new ProcessTimedOut(timeout.name(), timeout.dueAt()),
					PublishOptions.defaults().withEventId(id).withCorrelationId(timeout.processId()));
		}
		this.store.timeouts().cancel(this.service, timeout.processType(), timeout.processId(), timeout.name());
	}

	private void poll() {
		try {
			fireDue();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not fire the process timeouts due; trying again in " + this.interval + ": " + ex);
		}
	}

	@Override
	public synchronized void start() {
		if (this.executor == null && !this.definitions.types().isEmpty()) {
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "eventsource-process-timeouts");
				thread.setDaemon(true);
				return thread;
			});
			long millis = Math.max(1, this.interval.toMillis());
			executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
			this.executor = executor;
		}
	}

	@Override
	public synchronized void stop() {
		ScheduledExecutorService executor = this.executor;
		this.executor = null;
		if (executor != null) {
			executor.shutdown();
			try {
				executor.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
