/**
 * Internal: the per-aggregate listener container. Learns aggregate ids from the ids
 * queue, consumes one short-lived queue per aggregate, cancels idle consumers,
 * re-announces aggregates it holds, and writes the service's heartbeats.
 */
@NullMarked
package io.eventsource.listen.internal.peraggregate;

import org.jspecify.annotations.NullMarked;
