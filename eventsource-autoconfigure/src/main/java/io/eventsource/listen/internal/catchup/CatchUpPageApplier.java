package io.eventsource.listen.internal.catchup;

import java.util.List;

import io.eventsource.listen.internal.dispatch.DispatchOutcome;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ReceivedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Applies a page of caught-up events through the {@link EventDispatcher} (and so the
 * inbox), in transactions of up to the {@linkplain CatchUpSettings#maxBatch() batch
 * size}, in the page's order. Stops at the first batch that holds an event of an
 * aggregate whose projection is being retried, or whose events are not all done with, and
 * then says so: the caller must not move its cursor past the page.
 */
class CatchUpPageApplier {

	// the catch-up's category: its operators configure that one
	private static final Log logger = LogFactory.getLog(CatchUp.class);

	private final EventDispatcher dispatcher;

	private final CatchUpSettings settings;

	CatchUpPageApplier(EventDispatcher dispatcher, CatchUpSettings settings) {
		this.dispatcher = dispatcher;
		this.settings = settings;
	}

	/**
	 * Applies a page, in transactions of up to the batch size.
	 * @param page the events, in the producer's order
	 * @return whether every event is done with
	 */
	boolean apply(List<ReceivedEvent> page) {
		for (int from = 0; from < page.size(); from += this.settings.maxBatch()) {
			List<ReceivedEvent> batch = page.subList(from, Math.min(page.size(), from + this.settings.maxBatch()));
			// an aggregate whose event is being retried waits for its back-off, not for
			// the catch-up: its events are left for the next run
			for (ReceivedEvent event : batch) {
				if (!this.dispatcher
					.failingProjections(event.metadata().aggregateType(), event.metadata().aggregateId())
					.isEmpty()) {
					logger.debug("A catch-up page waits for an event being retried: " + event.metadata().eventId());
					return false;
				}
			}
			List<@Nullable DispatchOutcome> outcomes = this.dispatcher.dispatchAll(batch, (event) -> false);
			for (DispatchOutcome outcome : outcomes) {
				if (outcome == null || !outcome.isDone()) {
					logger.info("A catch-up page could not be applied yet (" + outcome + "); it is asked again after "
							+ this.settings.retryDelay());
					return false;
				}
			}
		}
		return true;
	}

}
