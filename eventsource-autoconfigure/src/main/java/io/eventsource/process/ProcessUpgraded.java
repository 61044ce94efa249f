package io.eventsource.process;

import io.eventsource.envelope.EventType;

/**
 * A process instance moved to another definition version: from this event on, its whole
 * history is interpreted by that version's handlers.
 *
 * @param fromVersion the version it ran
 * @param toVersion the version it runs from now on
 */
@EventType(name = "ProcessUpgraded")
public record ProcessUpgraded(int fromVersion, int toVersion) {

}
