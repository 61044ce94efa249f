package io.eventsource.registry;

/**
 * Thrown when the registry cannot be reached and no earlier answer can stand in.
 */
public class RegistryUnavailableException extends RuntimeException {

	public RegistryUnavailableException(String message) {
		super(message);
	}

	public RegistryUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
