package io.eventsource.process.internal;

import io.eventsource.store.internal.ProcessInstanceRepository;
import io.eventsource.store.internal.ProcessTimeoutRepository;
import io.eventsource.store.internal.PublicMessageRepository;

/**
 * The tables process managers read and write: the log holding their streams, the instance
 * rows and the timeouts.
 *
 * @param outbox the log
 * @param instances the instance rows
 * @param timeouts the timeouts
 */
public record ProcessStore(PublicMessageRepository outbox, ProcessInstanceRepository instances,
		ProcessTimeoutRepository timeouts) {

}
