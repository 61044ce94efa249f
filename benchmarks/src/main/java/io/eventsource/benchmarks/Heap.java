package io.eventsource.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * The heap of this process, which holds the publisher and the listener.
 */
final class Heap {

	private Heap() {
	}

	/**
	 * Returns the heap in use after a garbage collection, in MB.
	 * @return the heap in use
	 */
	static long usedMbAfterGc() {
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
	}

}
