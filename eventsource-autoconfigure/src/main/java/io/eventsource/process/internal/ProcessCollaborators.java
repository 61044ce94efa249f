package io.eventsource.process.internal;

import java.time.Clock;

import io.eventsource.publish.EventPublisher;

/**
 * What the router and the runner of every process type of this service work with, handed
 * to them together.
 *
 * @param service this service
 * @param definitions the definitions
 * @param store the process tables
 * @param publisher the publisher of streams, commands and events
 * @param metrics the meters
 * @param clock the clock
 */
public record ProcessCollaborators(String service, ProcessDefinitions definitions, ProcessStore store,
		EventPublisher publisher, ProcessMetrics metrics, Clock clock) {

}
