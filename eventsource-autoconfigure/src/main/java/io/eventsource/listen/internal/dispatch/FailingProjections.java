package io.eventsource.listen.internal.dispatch;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.eventsource.store.internal.AggregateRef;

/**
 * The projections whose last attempt at an event of an aggregate failed, per aggregate:
 * what the lanes read to wait the projections' back-off before they try the aggregate
 * again. A projection leaves it when it applies, skips or parks an event of the
 * aggregate; an aggregate leaves it when its consumer stops here.
 */
final class FailingProjections {

	private final Map<AggregateRef, Set<String>> failing = new ConcurrentHashMap<>();

	/**
	 * Records what a projection did with an event of an aggregate.
	 * @param projection the projection
	 * @param aggregate the aggregate
	 * @param outcome the outcome; {@link DispatchOutcome#GAP} changes nothing (the event
	 * was not tried)
	 */
	void record(String projection, AggregateRef aggregate, DispatchOutcome outcome) {
		if (outcome == DispatchOutcome.FAIL) {
			this.failing.compute(aggregate, (key, projections) -> {
				Set<String> failing = (projections != null) ? projections : ConcurrentHashMap.newKeySet();
				failing.add(projection);
				return failing;
			});
		}
		else if (outcome != DispatchOutcome.GAP) {
			this.failing.computeIfPresent(aggregate, (key, projections) -> {
				projections.remove(projection);
				return projections.isEmpty() ? null : projections;
			});
		}
	}

	/**
	 * Returns whether no projection is failing at any aggregate.
	 * @return {@code true} when none is
	 */
	boolean isEmpty() {
		return this.failing.isEmpty();
	}

	/**
	 * Returns the projections whose last attempt at an event of an aggregate failed.
	 * @param aggregate the aggregate
	 * @return the projections, empty when none is failing
	 */
	Set<String> of(AggregateRef aggregate) {
		Set<String> projections = this.failing.get(aggregate);
		return (projections != null) ? Set.copyOf(projections) : Set.of();
	}

	/**
	 * Forgets the failures of an aggregate.
	 * @param aggregate the aggregate
	 */
	void forget(AggregateRef aggregate) {
		this.failing.remove(aggregate);
	}

}
