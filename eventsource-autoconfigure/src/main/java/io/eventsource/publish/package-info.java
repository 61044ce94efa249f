/**
 * Publishing: the {@link io.eventsource.publish.EventPublisher} that appends to the
 * outbox in the caller's transaction, and the {@link io.eventsource.publish.OutboxRelay}
 * that sends committed rows to the broker.
 */
@NullMarked
package io.eventsource.publish;

import org.jspecify.annotations.NullMarked;
