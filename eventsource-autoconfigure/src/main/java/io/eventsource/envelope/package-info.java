/**
 * The envelope of an event: its identity, its aggregate and sequence, its event type
 * name, and how it is written on the wire (the CloudEvents AMQP binding, binary content
 * mode).
 */
@NullMarked
package io.eventsource.envelope;

import org.jspecify.annotations.NullMarked;
