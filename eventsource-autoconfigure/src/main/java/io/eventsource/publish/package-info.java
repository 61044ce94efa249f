/**
 * Publishing: {@link io.eventsource.publish.EventPublisher}, which appends an event to
 * the outbox in the caller's transaction, its
 * {@link io.eventsource.publish.PublishOptions}, the
 * {@link io.eventsource.publish.MessageDecorator} extension point, and
 * {@link io.eventsource.publish.RelayOperations} to relay on the caller's thread.
 */
@NullMarked
package io.eventsource.publish;

import org.jspecify.annotations.NullMarked;
