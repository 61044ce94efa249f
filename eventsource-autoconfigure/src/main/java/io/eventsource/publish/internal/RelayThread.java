package io.eventsource.publish.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The relay's own thread: runs a round after each wake-up and at least every poll
 * interval. A round that fails is retried at the next wake-up or poll, and logged as a
 * warning once when the relay starts failing and as info once it sends again; an
 * {@link Error} stops the thread. {@link #stop()} lets the round in progress finish. Its
 * messages are logged under {@link OutboxRelay}'s category. Thread-safe.
 */
final class RelayThread {

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	private final Runnable round;

	private final RelaySignal signal;

	private final Duration pollInterval;

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	/** Whether the last round failed; read and written by the thread only. */
	private boolean failing;

	/**
	 * Creates the relay's thread, not started.
	 * @param round what to run after each wake-up
	 * @param signal the wake-up
	 * @param pollInterval the longest wait between two rounds
	 */
	RelayThread(Runnable round, RelaySignal signal, Duration pollInterval) {
		this.round = round;
		this.signal = signal;
		this.pollInterval = pollInterval;
	}

	void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread thread = new Thread(this::run, "eventsource-relay");
		thread.setDaemon(true);
		this.thread = thread;
		thread.start();
		this.signal.signal();
	}

	/**
	 * Stops the thread after the round in progress, waiting at most a minute for it.
	 */
	void stop() {
		this.running = false;
		this.signal.signal();
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

	boolean isRunning() {
		return this.running;
	}

	/**
	 * Returns whether the thread was started and is being stopped, so that the round in
	 * progress should end.
	 * @return whether it is stopping
	 */
	boolean isStopping() {
		return this.thread != null && !this.running;
	}

	private void run() {
		while (this.running) {
			awaitSignal();
			if (!this.running) {
				return;
			}
			try {
				this.round.run();
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
	 * Waits for a wake-up or the poll interval; {@link #stop()} wakes the thread too.
	 */
	private void awaitSignal() {
		this.signal.await(this.pollInterval.toNanos());
		if (Thread.currentThread().isInterrupted()) {
			this.running = false;
		}
	}

}
