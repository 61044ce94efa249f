/**
 * Auto-configuration for eventsource, wiring only, and
 * {@link io.eventsource.autoconfigure.EventSourceProperties}, the {@code eventsource.*}
 * properties.
 */
@NullMarked
package io.eventsource.autoconfigure;

import org.jspecify.annotations.NullMarked;
