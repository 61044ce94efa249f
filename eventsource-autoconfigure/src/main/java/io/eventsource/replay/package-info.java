/**
 * Replay: a listening service asks the producers of an aggregate type for the events it
 * is missing, and they answer from their {@code public_messages} log into its own queue.
 */
@NullMarked
package io.eventsource.replay;

import org.jspecify.annotations.NullMarked;
