/**
 * Internal: the two topologies (per-aggregate, partitioned), the router that picks one
 * per aggregate type, channels with publisher confirms, the cache of declarations, and
 * the thread that keeps the JVM alive while the broker is away.
 */
@NullMarked
package io.eventsource.topology.internal;

import org.jspecify.annotations.NullMarked;
