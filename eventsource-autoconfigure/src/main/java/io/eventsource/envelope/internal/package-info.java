/**
 * Internal: how an envelope is written on the wire (the CloudEvents AMQP binding, binary
 * content mode), the rules for aggregate and service names, and the abbreviation of
 * untrusted text for logs. Not for application code; may change in any release.
 */
@NullMarked
package io.eventsource.envelope.internal;

import org.jspecify.annotations.NullMarked;
