package io.eventsource.store.internal;

/**
 * An aggregate: its type and id.
 *
 * @param type the aggregate type
 * @param id the aggregate id
 */
public record AggregateRef(String type, String id) {

}
