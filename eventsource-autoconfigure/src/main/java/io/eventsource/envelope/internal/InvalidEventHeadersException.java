package io.eventsource.envelope.internal;

/**
 * Thrown when the AMQP headers of a message are not a valid eventsource CloudEvent.
 */
public class InvalidEventHeadersException extends IllegalArgumentException {

	public InvalidEventHeadersException(String message) {
		super(message);
	}

	public InvalidEventHeadersException(String message, Throwable cause) {
		super(message, cause);
	}

}
