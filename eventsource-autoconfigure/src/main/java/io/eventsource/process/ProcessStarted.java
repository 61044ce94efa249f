package io.eventsource.process;

import io.eventsource.envelope.EventType;

/**
 * The first event of a process instance's stream: the definition version it runs.
 *
 * @param version the definition version
 * @param startedBy the type name of the event that started it
 */
@EventType(name = "ProcessStarted")
public record ProcessStarted(int version, String startedBy) {

}
