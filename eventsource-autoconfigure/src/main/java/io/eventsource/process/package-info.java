/**
 * Process managers: event-sourced, versioned instances that follow every event of one
 * correlation id and send commands and events through the outbox.
 */
@NullMarked
package io.eventsource.process;

import org.jspecify.annotations.NullMarked;
