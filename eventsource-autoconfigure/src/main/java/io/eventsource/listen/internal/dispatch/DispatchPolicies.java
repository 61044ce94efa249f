package io.eventsource.listen.internal.dispatch;

import io.eventsource.listen.GapListener;

/**
 * What a dispatcher leaves to others to decide about an event it does not simply apply:
 * when a failing one is parked, whether one is before the history this service applies,
 * and what is done about one that arrives after a gap.
 *
 * @param parking when an event is parked
 * @param history where the history this service applies starts
 * @param gaps told of every event that arrives after a gap
 */
public record DispatchPolicies(ParkingPolicy parking, HistoryStart history, GapListener gaps) {

	/**
	 * Creates the policies of a service that applies its whole history and lets an event
	 * after a gap wait until the missing ones arrive by themselves.
	 * @param parking when an event is parked
	 * @return the policies
	 */
	public static DispatchPolicies of(ParkingPolicy parking) {
		return new DispatchPolicies(parking, HistoryStart.everything(), GapListener.NONE);
	}

}
