package io.eventsource.publish.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The relay's wake-up: {@link #signal()} says that something committed and wakes the
 * thread waiting in {@link #await(long)}, which consumes it. A signal given while nobody
 * waits is kept for the next wait, so that no commit goes unnoticed; signals given before
 * one wait count as one. Thread-safe.
 */
final class RelaySignal {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition condition = this.lock.newCondition();

	private boolean signalled;

	/**
	 * Wakes the waiting thread, or the next one to wait.
	 */
	void signal() {
		this.lock.lock();
		try {
			this.signalled = true;
			this.condition.signal();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits at most a while for a signal and consumes it. An interrupt ends the wait and
	 * stays set on the thread.
	 * @param nanos the longest wait, in nanoseconds
	 * @return whether a signal came
	 */
	boolean await(long nanos) {
		this.lock.lock();
		try {
			long left = nanos;
			while (!this.signalled && left > 0) {
				left = this.condition.awaitNanos(left);
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

}
