/**
 * The Redis registry of listening services: heartbeats of (service, aggregate types),
 * read by the relay to know which per-service queues to declare.
 */
@NullMarked
package io.eventsource.registry;

import org.jspecify.annotations.NullMarked;
