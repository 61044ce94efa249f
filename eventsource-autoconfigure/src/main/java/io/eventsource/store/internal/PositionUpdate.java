package io.eventsource.store.internal;

/**
 * A projection's new position for an aggregate.
 *
 * @param projection the projection
 * @param aggregateType the aggregate type
 * @param aggregateId the aggregate id
 * @param sequence the last sequence applied
 */
public record PositionUpdate(String projection, String aggregateType, String aggregateId, long sequence) {

}
