/**
 * Internal: Actuator support: the {@code eventsource} health contributor and the
 * {@code eventsource} and {@code processes} endpoints, read-only unless the application
 * opens them.
 */
@NullMarked
package io.eventsource.actuate.internal;

import org.jspecify.annotations.NullMarked;
