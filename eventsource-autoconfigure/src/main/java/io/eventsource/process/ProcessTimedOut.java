package io.eventsource.process;

import java.time.Instant;

import io.eventsource.envelope.EventType;

/**
 * A timeout of a process instance fired; handled by a
 * {@link ProcessHandler @ProcessHandler} method taking this class, once.
 *
 * @param name the timeout's name, as scheduled
 * @param dueAt when it was due
 */
@EventType(name = "ProcessTimedOut")
public record ProcessTimedOut(String name, Instant dueAt) {

}
