/**
 * Internal: the outbox publisher, the relay that sends committed rows to the broker with
 * confirms and backs off per aggregate, its wake-up after commit, metrics and the trace
 * context decorator.
 */
@NullMarked
package io.eventsource.publish.internal;

import org.jspecify.annotations.NullMarked;
