/**
 * Actuator support: the {@code eventsource} health contributor.
 */
@NullMarked
package io.eventsource.actuate;

import org.jspecify.annotations.NullMarked;
