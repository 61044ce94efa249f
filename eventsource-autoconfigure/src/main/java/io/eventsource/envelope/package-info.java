/**
 * The envelope of an event as a user sees it:
 * {@link io.eventsource.envelope.EventMetadata} (identity, aggregate, sequence,
 * correlation), the {@link io.eventsource.envelope.EventType
 * @EventType} annotation that names a payload class, and the
 * {@link io.eventsource.envelope.EventEnvelope} that decorators and topologies handle.
 */
@NullMarked
package io.eventsource.envelope;

import org.jspecify.annotations.NullMarked;
