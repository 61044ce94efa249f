/**
 * The registry of listening services: the {@link io.eventsource.registry.ServiceRegistry}
 * extension point that the relay reads to know which services listen to an aggregate
 * type, and what its status and failures look like.
 */
@NullMarked
package io.eventsource.registry;

import org.jspecify.annotations.NullMarked;
