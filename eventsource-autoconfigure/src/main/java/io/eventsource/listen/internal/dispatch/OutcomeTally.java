package io.eventsource.listen.internal.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.store.internal.AggregateRef;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Takes note of what each projection did with each event, once its transaction ended:
 * counts it in the meters (with the handler's time when it applied the event), keeps the
 * {@link FailingProjections} of each aggregate for the lanes' back-off, and logs at debug
 * level an event that waits after a gap. Safe to use from several threads at once.
 */
final class OutcomeTally {

	// under the dispatcher's name, which applications set the level of
	private static final Log logger = LogFactory.getLog(EventDispatcher.class);

	private final ListenerMetrics metrics;

	private final FailingProjections failing = new FailingProjections();

	OutcomeTally(ListenerMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Counts an event that no projection is bound to.
	 * @param metadata the event
	 */
	void unbound(EventMetadata metadata) {
		this.metrics.consumed(metadata, "none", DispatchOutcome.IGNORED);
	}

	/**
	 * Counts the outcome of a projection's attempt at an event and keeps whether it
	 * failed.
	 * @param projection the projection
	 * @param metadata the event
	 * @param outcome the outcome
	 */
	void attempted(String projection, EventMetadata metadata, DispatchOutcome outcome) {
		track(projection, metadata, outcome);
		this.metrics.consumed(metadata, projection, outcome);
	}

	/**
	 * Counts the outcome of a projection's attempt at an event as {@link #attempted}
	 * does, with the handler's time when it applied the event.
	 * @param projection the projection
	 * @param metadata the event
	 * @param outcome the outcome
	 * @param nanos the time of the attempt
	 * @param committed when its transaction ended
	 */
	void attempted(String projection, EventMetadata metadata, DispatchOutcome outcome, long nanos, Instant committed) {
		attempted(projection, metadata, outcome);
		if (outcome == DispatchOutcome.OK) {
			this.metrics.handled(metadata, projection, Duration.ofNanos(nanos), committed);
		}
		else if (outcome == DispatchOutcome.GAP) {
			logger.debug("Projection '" + projection + "' waits for an earlier event before "
					+ EventDispatcher.describe(metadata));
		}
	}

	/**
	 * Counts the attempts of a committed transaction of several events, and combines the
	 * outcomes of each event.
	 * @param events the events, in the transaction's order
	 * @param applied what the projections did with each event, {@code null} for one left
	 * out
	 * @param committed when the transaction ended
	 * @return the outcome of each event, {@code null} for one left out
	 */
	List<@Nullable DispatchOutcome> committed(List<ReceivedEvent> events,
			List<@Nullable List<ProjectionAttempt>> applied, Instant committed) {
		List<@Nullable DispatchOutcome> outcomes = new ArrayList<>(events.size());
		for (int i = 0; i < events.size(); i++) {
			EventMetadata metadata = events.get(i).metadata();
			List<ProjectionAttempt> own = applied.get(i);
			if (own == null) {
				outcomes.add(null);
				continue;
			}
			DispatchOutcome combined = DispatchOutcome.IGNORED;
			if (own.isEmpty()) {
				unbound(metadata);
			}
			for (int p = 0; p < own.size(); p++) {
				ProjectionAttempt one = own.get(p);
				combined = (p == 0) ? one.outcome() : combined.and(one.outcome());
				attempted(one.projection(), metadata, one.outcome(), one.nanos(), committed);
			}
			outcomes.add(combined);
		}
		return outcomes;
	}

	/**
	 * Returns the projections whose last attempt at an event of an aggregate failed.
	 * @param aggregate the aggregate
	 * @return the projections, empty when none is failing
	 */
	Set<String> failing(AggregateRef aggregate) {
		return this.failing.of(aggregate);
	}

	/**
	 * Forgets the failures of an aggregate.
	 * @param aggregate the aggregate
	 */
	void forget(AggregateRef aggregate) {
		this.failing.forget(aggregate);
	}

	private void track(String projection, EventMetadata metadata, DispatchOutcome outcome) {
		if (outcome != DispatchOutcome.FAIL && this.failing.isEmpty()) {
			// the usual case: nothing to record, nothing allocated
			return;
		}
		this.failing.record(projection, new AggregateRef(metadata.aggregateType(), metadata.aggregateId()), outcome);
		if (outcome == DispatchOutcome.FAIL) {
			this.metrics.retried(metadata, projection);
		}
	}

}
