package io.eventsource.listen.internal.handler;

import io.eventsource.listen.InvalidEventHandlerException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidEventHandlerException} at startup.
 */
class InvalidEventHandlerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEventHandlerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidEventHandlerException cause) {
		return new FailureAnalysis(cause.getDescription() + ".", cause.getAction() + ".", cause);
	}

}
