/**
 * Internal: the machinery of process managers: definitions and versions, the history
 * replay, routing by correlation id, the runner that records each step, and the poller of
 * due timeouts.
 */
@NullMarked
package io.eventsource.process.internal;

import org.jspecify.annotations.NullMarked;
