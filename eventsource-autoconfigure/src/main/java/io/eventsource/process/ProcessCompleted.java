package io.eventsource.process;

import io.eventsource.envelope.EventType;

/**
 * The last event of a process instance: it completed, its timeouts are cancelled and
 * later events of its correlation id are not routed to it.
 *
 * @param version the definition version it completed on
 */
@EventType(name = "ProcessCompleted")
public record ProcessCompleted(int version) {

}
