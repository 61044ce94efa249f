package io.eventsource.listen.internal.dispatch;

/**
 * What one projection did with one event of a transaction, and how long its handler took.
 *
 * @param projection the projection
 * @param outcome the outcome
 * @param nanos the handler's time
 */
record ProjectionAttempt(String projection, DispatchOutcome outcome, long nanos) {

}
