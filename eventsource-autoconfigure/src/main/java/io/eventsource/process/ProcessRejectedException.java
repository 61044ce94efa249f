package io.eventsource.process;

/**
 * Thrown by a {@link ProcessHandler @ProcessHandler} method to reject an event that is
 * invalid in the instance's current state: what the handler did is dropped and a
 * {@link ProcessEventRejected} event with the reason is appended to the instance's
 * stream. Nothing is retried.
 */
public class ProcessRejectedException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param reason why the event is rejected
	 */
	public ProcessRejectedException(String reason) {
		super(reason);
	}

}
