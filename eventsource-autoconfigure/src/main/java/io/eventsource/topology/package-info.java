/**
 * How events travel through RabbitMQ: one {@link io.eventsource.topology.EventTopology}
 * per strategy, declaring what it needs and publishing with confirms.
 */
@NullMarked
package io.eventsource.topology;

import org.jspecify.annotations.NullMarked;
