/**
 * Internal: what the auto-configuration needs beyond wiring: the resolved service name
 * and the failure analyzer for a missing one.
 */
@NullMarked
package io.eventsource.autoconfigure.internal;

import org.jspecify.annotations.NullMarked;
