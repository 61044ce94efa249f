/**
 * Internal: everything between a message on the broker and a committed handler: handler
 * discovery, dispatch with retry and parking, lanes and acks, the per-aggregate and
 * partitioned containers, catch-up and gap repair.
 */
@NullMarked
package io.eventsource.listen.internal;

import org.jspecify.annotations.NullMarked;
