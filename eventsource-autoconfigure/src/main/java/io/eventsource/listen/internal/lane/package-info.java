/**
 * Internal: lanes and acks. Orders the deliveries of one aggregate into a lane, hands
 * lanes to the worker threads in batches, backs off a failed batch, and acknowledges to
 * the broker only after the handler's transaction committed.
 */
@NullMarked
package io.eventsource.listen.internal.lane;

import org.jspecify.annotations.NullMarked;
