/**
 * How events travel through RabbitMQ, as a user configures and observes it: the
 * {@link io.eventsource.topology.EventTopology} extension point, the result of a send,
 * the topology and queue types, and the names of the exchanges and queues each topology
 * declares on the broker.
 */
@NullMarked
package io.eventsource.topology;

import org.jspecify.annotations.NullMarked;
