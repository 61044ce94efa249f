package io.eventsource.listen.internal.dispatch;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.GapListener;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.listen.internal.handler.EventPayloads;
import io.eventsource.store.internal.AggregateRef;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.TransientDataAccessException;
import org.springframework.util.Assert;

/**
 * Applies an event delivered to this service to every projection bound to its aggregate
 * type, once and in order. Per projection, in one transaction: lock the projection's
 * position for the aggregate; a sequence at or below it is a duplicate, one past the next
 * is a gap; otherwise run the handler (with the event as the
 * {@link io.eventsource.publish.internal.CorrelationContext}), write the {@code ok} ack
 * row and move the position. A handler that writes to the same database commits with its
 * ack row, so its effect is applied exactly once. A handler that throws rolls all of that
 * back and leaves a {@code fail} row with the attempts and the error.
 * <p>
 * {@link #dispatchAll(List, Predicate)} applies several events, of one or several
 * aggregates, in one transaction: one commit for all of them, in list order. When any
 * handler throws or the database refuses, the whole transaction rolls back and the events
 * are applied again one transaction each, so that one failing event never takes the
 * others with it.
 */
public class EventDispatcher {

	private static final Log logger = LogFactory.getLog(EventDispatcher.class);

	/**
	 * The projection under which malformed messages are parked.
	 */
	public static final String MALFORMED = "(malformed)";

	private final EventHandlers handlers;

	private final HandlerRunner runner;

	private final ListenerStorage storage;

	private final Clock clock;

	private final GapListener gaps;

	private final MalformedMessages malformed;

	private final ProjectionPositions positions;

	private final FailedAttempts failures;

	private final OutcomeTally tally;

	/**
	 * Creates a dispatcher.
	 * @param handlers the handlers of this service
	 * @param payloads the binding of payloads to event classes
	 * @param storage the inbox, the parked events, their data source and the transactions
	 * of the handlers, which must hold a connection of that data source
	 * @param policies when an event is parked, where the history this service applies
	 * starts, and who is told of gaps
	 * @param service this service's name
	 * @param metrics the meters
	 * @param clock the clock
	 */
	public EventDispatcher(EventHandlers handlers, EventPayloads payloads, ListenerStorage storage,
			DispatchPolicies policies, String service, ListenerMetrics metrics, Clock clock) {
		ParkingPolicy parking = policies.parking();
		this.handlers = handlers;
		this.runner = new HandlerRunner(handlers, payloads, parking.maxPayloadSize().toBytes(), service,
				policies.gaps(), policies.history());
		this.gaps = policies.gaps();
		this.storage = storage;
		this.clock = clock;
		this.positions = new ProjectionPositions(storage, service);
		this.malformed = new MalformedMessages(storage.parked(), storage.transactions(), metrics, service,
				parking.maxMalformedParked(), clock);
		this.failures = new FailedAttempts(storage, parking, service, clock);
		this.tally = new OutcomeTally(metrics);
	}

	/**
	 * Applies an event to every projection bound to its aggregate type.
	 * @param metadata the event's metadata
	 * @param payload the JSON payload
	 * @return the combined outcome: done when every projection applied it, ignored it or
	 * had it already
	 */
	public DispatchOutcome dispatch(EventMetadata metadata, byte[] payload) {
		DispatchOutcome combined = DispatchOutcome.IGNORED;
		boolean any = false;
		for (String projection : this.handlers.projections(metadata.aggregateType())) {
			DispatchOutcome outcome = apply(projection, metadata, payload);
			combined = any ? combined.and(outcome) : outcome;
			any = true;
		}
		if (!any) {
			this.tally.unbound(metadata);
		}
		return combined;
	}

	/**
	 * Applies events in one transaction, in list order; when that fails, one transaction
	 * per event, in order, and the events of an aggregate after one that failed are not
	 * tried.
	 * @param events the events, per aggregate in sequence order
	 * @param withdrawn whether an event is no longer to be applied when its turn comes
	 * (its consumer was cancelled): it is left out, and the others go on
	 * @return the outcome of each event, in list order; {@code null} for an event that
	 * was not tried because it was withdrawn or an earlier event of its aggregate failed
	 */
	public List<@Nullable DispatchOutcome> dispatchAll(List<ReceivedEvent> events, Predicate<ReceivedEvent> withdrawn) {
		if (events.size() == 1) {
			ReceivedEvent only = events.get(0);
			return Collections.singletonList(withdrawn.test(only) ? null : dispatch(only.metadata(), only.payload()));
		}
		List<@Nullable List<ProjectionAttempt>> applied;
		BatchTransaction.Progress progress = new BatchTransaction.Progress();
		try {
			applied = this.storage.transactions().execute((status) -> {
				this.storage.checkTransaction();
				BatchTransaction batch = new BatchTransaction(this.clock.instant(), events, this.handlers, this.runner,
						this.positions);
				List<@Nullable List<ProjectionAttempt>> all = new ArrayList<>(events.size());
				for (ReceivedEvent event : events) {
					all.add(withdrawn.test(event) ? null : batch.apply(event, progress));
					progress.event++;
				}
				batch.flush();
				return all;
			});
		}
		catch (TransientDataAccessException ex) {
			logger.debug(
					"A transaction of " + events.size() + " events rolled back; they are applied one at a time: " + ex);
			return dispatchOneByOne(events, withdrawn, null);
		}
		catch (RuntimeException ex) {
			// the event that failed counts as an attempt; the others are applied again
			progress.failure = ex;
			return dispatchOneByOne(events, withdrawn, progress);
		}
		Assert.state(applied != null, "No outcome of the transaction");
		return this.tally.committed(events, applied, this.clock.instant());
	}

	private List<@Nullable DispatchOutcome> dispatchOneByOne(List<ReceivedEvent> events,
			Predicate<ReceivedEvent> withdrawn, BatchTransaction.@Nullable Progress failedBatch) {
		Set<AggregateRef> failed = new HashSet<>();
		List<@Nullable DispatchOutcome> outcomes = new ArrayList<>(events.size());
		for (int i = 0; i < events.size(); i++) {
			ReceivedEvent event = events.get(i);
			AggregateRef aggregate = new AggregateRef(event.metadata().aggregateType(), event.metadata().aggregateId());
			if (failed.contains(aggregate) || withdrawn.test(event)) {
				outcomes.add(null);
				continue;
			}
			DispatchOutcome outcome;
			if (failedBatch != null && failedBatch.event == i && failedBatch.projection != null
					&& failedBatch.failure != null) {
				outcome = this.failures.record(failedBatch.projection, event.metadata(), event.payload(),
						failedBatch.failure);
				this.tally.attempted(failedBatch.projection, event.metadata(), outcome);
			}
			else {
				outcome = dispatch(event.metadata(), event.payload());
			}
			if (outcome == DispatchOutcome.FAIL) {
				failed.add(aggregate);
			}
			outcomes.add(outcome);
		}
		return outcomes;
	}

	/**
	 * Returns the projections whose last attempt at an event of an aggregate failed, for
	 * the wait before the next one.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return the projections, empty when none is failing
	 */
	public Set<String> failingProjections(String aggregateType, String aggregateId) {
		return this.tally.failing(new AggregateRef(aggregateType, aggregateId));
	}

	/**
	 * Returns why an event that waited after a gap is not to be waited for any longer
	 * (see {@link GapListener#abandoned}), until it is settled; the caller parks it with
	 * {@link #settleAbandoned}.
	 * @param metadata the event
	 * @return the reason, or {@code null} while it waits or is not known to wait
	 */
	public @Nullable String abandoned(EventMetadata metadata) {
		return this.gaps.abandoned(metadata);
	}

	/**
	 * Parks an event that gap repair gave up as a malformed message (see
	 * {@link #settleMalformed}), and once it is settled has gap repair forget it.
	 * @param aggregateType the aggregate type of its lane
	 * @param aggregateId the aggregate id of its lane
	 * @param delivery the message
	 * @param reason why it was given up
	 * @return whether it is settled (parked or dropped); {@code false} when it is tried
	 * again later
	 */
	public boolean settleAbandoned(String aggregateType, String aggregateId, ReceivedMessage delivery, String reason) {
		EventMetadata metadata = delivery.metadata();
		boolean settled = settleMalformed(aggregateType, aggregateId, delivery, reason);
		if (settled && metadata != null) {
			this.gaps.settled(metadata);
		}
		return settled;
	}

	/**
	 * Forgets the failures of an aggregate whose consumer stopped here: another instance
	 * or a later consumer takes its events from the start.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 */
	public void forgetFailures(String aggregateType, String aggregateId) {
		this.tally.forget(new AggregateRef(aggregateType, aggregateId));
	}

	private DispatchOutcome apply(String projection, EventMetadata metadata, byte[] payload) {
		long start = System.nanoTime();
		DispatchOutcome outcome;
		try {
			outcome = this.storage.transactions()
				.execute((status) -> applyInTransaction(projection, metadata, payload));
			if (outcome == null) {
				outcome = DispatchOutcome.FAIL;
			}
		}
		catch (TransientDataAccessException ex) {
			// a lock wait or deadlock with another consumer of the aggregate: not the
			// handler's fault
			logger.debug("Projection '" + projection + "' will retry " + describe(metadata) + ": " + ex);
			outcome = DispatchOutcome.FAIL;
		}
		catch (RuntimeException ex) {
			outcome = this.failures.record(projection, metadata, payload, ex);
		}
		this.tally.attempted(projection, metadata, outcome, System.nanoTime() - start, this.clock.instant());
		return outcome;
	}

	private DispatchOutcome applyInTransaction(String projection, EventMetadata metadata, byte[] payload) {
		this.storage.checkTransaction();
		ProjectionPositions.Locked locked = this.positions.lock(projection, metadata, metadata.sequence(),
				this.clock.instant());
		DispatchOutcome outcome = this.runner.runIfNext(locked.position(), projection, metadata, payload);
		Instant now = this.clock.instant();
		if (outcome == DispatchOutcome.PARKED) {
			this.positions.parkBehind(projection, metadata, payload, now);
		}
		if (outcome == DispatchOutcome.OK) {
			this.positions.recordApplied(projection, metadata, now);
		}
		if ((outcome == DispatchOutcome.OK || outcome == DispatchOutcome.IGNORED) && !locked.movedAhead()) {
			this.positions.advance(projection, metadata, now);
		}
		return outcome;
	}

	/**
	 * Parks a message that is not an event this service can apply (headers missing or
	 * invalid, or an aggregate other than its queue's), with what it carried, under the
	 * projection {@value #MALFORMED}, or drops it when it cannot be parked (see
	 * {@link MalformedMessages}); such a message can be looked at and skipped, not
	 * retried.
	 * @param aggregateType the aggregate type of its lane
	 * @param aggregateId the aggregate id of its lane
	 * @param delivery the message
	 * @param reason what is wrong with it
	 * @return whether it is settled (parked or dropped); {@code false} when it is tried
	 * again later
	 */
	public boolean settleMalformed(String aggregateType, String aggregateId, ReceivedMessage delivery, String reason) {
		return this.malformed.settle(aggregateType, aggregateId, delivery, reason);
	}

	static String describe(EventMetadata metadata) {
		return metadata.aggregateType() + "-" + metadata.aggregateId() + " #" + metadata.sequence() + " "
				+ metadata.eventType() + " (" + metadata.eventId() + ")";
	}

}
