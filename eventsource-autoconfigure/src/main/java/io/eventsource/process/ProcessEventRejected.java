package io.eventsource.process;

import io.eventsource.envelope.EventType;

/**
 * An event a process instance rejected as invalid in its state; the rejected event is
 * left out when the state is rebuilt.
 *
 * @param eventId the id of the rejected event in the instance's stream
 * @param eventType its type name
 * @param reason why it was rejected
 */
@EventType(name = "ProcessEventRejected")
public record ProcessEventRejected(String eventId, String eventType, String reason) {

}
