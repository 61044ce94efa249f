package io.eventsource.store.internal;

/**
 * A projection's position for an aggregate.
 *
 * @param lastSequence the last sequence applied, {@code 0} when none
 * @param parked whether its events are parked: later ones are parked behind them
 */
public record ProjectionPosition(long lastSequence, boolean parked) {

}
