package io.eventsource.autoconfigure.internal;

import io.eventsource.autoconfigure.MissingServiceNameException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link MissingServiceNameException} at startup.
 */
public class MissingServiceNameFailureAnalyzer extends AbstractFailureAnalyzer<MissingServiceNameException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingServiceNameException cause) {
		return new FailureAnalysis(
				"eventsource could not determine the name of this service. The service name is the source of every "
						+ "event it publishes and part of the name of every queue it listens on.",
				"Set the property 'eventsource.service-name' (or 'spring.application.name', its default), for "
						+ "example eventsource.service-name=orders.",
				cause);
	}

}
