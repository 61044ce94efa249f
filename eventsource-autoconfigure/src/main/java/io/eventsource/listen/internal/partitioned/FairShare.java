package io.eventsource.listen.internal.partitioned;

import java.util.List;

/**
 * How many partitions of an aggregate type one instance should be the active consumer of,
 * and which ones it hands over when it has more.
 */
final class FairShare {

	private FairShare() {
	}

	/**
	 * Returns the partitions to hand over.
	 * @param active the partitions this instance is the active consumer of, in ascending
	 * order
	 * @param partitions the number of partitions
	 * @param instances the number of instances consuming them (this one included)
	 * @return the highest of the active partitions beyond the fair share,
	 * {@code ceil(partitions / instances)}; empty when there is one instance
	 */
	static List<Integer> surplus(List<Integer> active, int partitions, int instances) {
		if (instances <= 1) {
			return List.of();
		}
		int fair = (partitions + instances - 1) / instances;
		return (active.size() > fair) ? List.copyOf(active.subList(fair, active.size())) : List.of();
	}

}
