package io.eventsource.replay.internal;

/**
 * A producer's answer to a {@link ReplayRequest}: the last sequence of the aggregate in
 * its log, read after the request arrived. A producer whose log does not hold the
 * aggregate at all sends none.
 * <p>
 * An event of the aggregate that a listening service had received before
 * {@link #askedAtNanos()} was committed to its producer's log before that (the relay
 * sends only what committed), so the producer that holds it read a last sequence at or
 * beyond it.
 *
 * @param request the request answered
 * @param askedAtNanos when the request was about to be published, on the requester's
 * clock
 * @param producer the service that answered
 * @param lastSequence the last sequence of the aggregate in its log, from 1
 */
public record LogEnd(ReplayRequest request, long askedAtNanos, String producer, long lastSequence) {

}
