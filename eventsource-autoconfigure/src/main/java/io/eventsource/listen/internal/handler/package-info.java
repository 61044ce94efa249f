/**
 * Internal: handler discovery. Finds the {@code @EventSourceListener} methods of the
 * application's beans at startup, validates them, groups them by projection and event
 * type, and binds a payload to a handler's event class.
 */
@NullMarked
package io.eventsource.listen.internal.handler;

import org.jspecify.annotations.NullMarked;
