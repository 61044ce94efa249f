/**
 * Internal: catch-up and gap repair. Asks the producers for what the service is missing
 * (on start, periodically, when a gap is seen), consumes their answers from the service's
 * replay queue, and decides when to give up on an event.
 */
@NullMarked
package io.eventsource.listen.internal.catchup;

import org.jspecify.annotations.NullMarked;
