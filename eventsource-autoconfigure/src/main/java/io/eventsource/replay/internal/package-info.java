/**
 * Internal: replay. A listening service asks the producers of an aggregate type for the
 * events it is missing (catch-up, gap repair); they answer from their
 * {@code public_messages} log into its own queue.
 */
@NullMarked
package io.eventsource.replay.internal;

import org.jspecify.annotations.NullMarked;
