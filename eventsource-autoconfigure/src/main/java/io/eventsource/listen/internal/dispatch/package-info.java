/**
 * Internal: dispatch. Applies a batch of deliveries to every projection in one
 * transaction with the ack rows, skips what was applied before, retries a failing handler
 * and parks what keeps failing (and malformed messages), with the metrics of it all.
 */
@NullMarked
package io.eventsource.listen.internal.dispatch;

import org.jspecify.annotations.NullMarked;
