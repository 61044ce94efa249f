/**
 * Internal: the Redis implementation of the registry (heartbeats as sorted sets) and the
 * cache that keeps the relay and the listeners going through a Redis outage.
 */
@NullMarked
package io.eventsource.registry.internal;

import org.jspecify.annotations.NullMarked;
