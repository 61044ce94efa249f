/**
 * Listening: the {@link io.eventsource.listen.EventSourceListener @EventSourceListener}
 * annotation, the post-processor that collects annotated methods into
 * {@link io.eventsource.listen.EventHandlers}, and the binding of a payload to a
 * handler's event class.
 */
@NullMarked
package io.eventsource.listen;

import org.jspecify.annotations.NullMarked;
