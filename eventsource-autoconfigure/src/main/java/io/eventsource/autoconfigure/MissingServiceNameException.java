package io.eventsource.autoconfigure;

/**
 * Thrown at startup when neither {@code eventsource.service-name} nor
 * {@code spring.application.name} is set.
 */
public class MissingServiceNameException extends IllegalStateException {

	/**
	 * Creates the exception.
	 */
	public MissingServiceNameException() {
		super("eventsource needs a service name: set eventsource.service-name or spring.application.name");
	}

}
