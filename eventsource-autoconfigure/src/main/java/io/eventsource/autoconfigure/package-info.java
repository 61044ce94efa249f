/**
 * Auto-configuration for eventsource: wiring only, no behaviour of its own.
 */
@NullMarked
package io.eventsource.autoconfigure;

import org.jspecify.annotations.NullMarked;
