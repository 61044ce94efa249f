/**
 * Listening, as application code sees it: the
 * {@link io.eventsource.listen.EventSourceListener @EventSourceListener} annotation, the
 * {@link io.eventsource.listen.GapListener} hook, the exceptions a handler or a startup
 * can meet, and the {@link io.eventsource.listen.ListenerContainer} view of a running
 * listener.
 */
@NullMarked
package io.eventsource.listen;

import org.jspecify.annotations.NullMarked;
