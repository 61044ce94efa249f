package io.eventsource.listen.internal.handler;

/**
 * What a handler method is bound to: the class its payloads bind to, its projection, and
 * the aggregate type and event type name of the events it handles.
 *
 * @param eventClass the class the payload is bound to
 * @param projection the projection
 * @param aggregateType the aggregate type
 * @param eventType the event type name
 */
record HandlerBinding(Class<?> eventClass, String projection, String aggregateType, String eventType) {

}
