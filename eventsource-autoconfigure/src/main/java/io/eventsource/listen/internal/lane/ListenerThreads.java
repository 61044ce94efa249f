package io.eventsource.listen.internal.lane;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names the daemon threads of the listener containers.
 */
public final class ListenerThreads {

	private ListenerThreads() {
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
