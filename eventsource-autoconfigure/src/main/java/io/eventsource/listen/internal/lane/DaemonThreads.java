package io.eventsource.listen.internal.lane;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads named by what they do: the workers and timers of the listener
 * containers, catch-up, gap repair's requests and the heartbeats. None of them keeps the
 * JVM alive; the keep-alive thread does that.
 */
public final class DaemonThreads {

	private DaemonThreads() {
	}

	/**
	 * Returns a factory of daemon threads named with a prefix and a number.
	 * @param prefix the prefix
	 * @return the factory
	 */
	public static ThreadFactory named(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
