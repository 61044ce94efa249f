package io.eventsource.actuate.internal;

import java.util.UUID;

import io.eventsource.envelope.internal.AggregateNames;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

/**
 * Checks of the selectors the endpoints receive from the wire. A selector that cannot
 * name anything is refused with an {@link InvalidEndpointRequestException} (400 over
 * HTTP) before anything is read or written; its reason quotes the selector shortened,
 * since it is input of any length.
 */
final class EndpointSelectors {

	private static final int QUOTED_LENGTH = 64;

	private EndpointSelectors() {
	}

	/**
	 * Parses an event id.
	 * @param eventId the selector
	 * @return the id
	 * @throws InvalidEndpointRequestException if it is not a UUID
	 */
	static UUID eventId(String eventId) {
		try {
			return UUID.fromString(eventId);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("Event id " + quote(eventId) + " is not a UUID");
		}
	}

	/**
	 * Checks an aggregate type and id against {@link AggregateNames}.
	 * @param aggregateType the aggregate type selector
	 * @param aggregateId the aggregate id selector
	 * @throws InvalidEndpointRequestException if either cannot name an aggregate
	 */
	static void aggregate(String aggregateType, String aggregateId) {
		try {
			AggregateNames.requireAggregateType(aggregateType);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("Aggregate type " + quote(aggregateType) + " is not a valid aggregate type");
		}
		try {
			AggregateNames.requireAggregateId(aggregateId);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("Aggregate id " + quote(aggregateId) + " is not a valid aggregate id");
		}
	}

	/**
	 * Returns the exception that answers 400.
	 * @param reason why the request is refused, with any selector quoted through
	 * {@link #quote(String)}
	 * @return the exception
	 */
	static InvalidEndpointRequestException invalid(String reason) {
		return new InvalidEndpointRequestException(reason, reason);
	}

	/**
	 * Quotes a selector for a reason or a log line: shortened to {@value #QUOTED_LENGTH}
	 * characters, control characters shown as {@code ?}.
	 * @param selector the selector
	 * @return the quoted selector
	 */
	static String quote(String selector) {
		String shown = (selector.length() <= QUOTED_LENGTH) ? selector : selector.substring(0, QUOTED_LENGTH);
		StringBuilder quoted = new StringBuilder(shown.length() + 32).append('\'');
		shown.codePoints().forEach((c) -> quoted.appendCodePoint(Character.isISOControl(c) ? '?' : c));
		quoted.append('\'');
		if (shown.length() < selector.length()) {
			quoted.append("… (").append(selector.length()).append(" characters)");
		}
		return quoted.toString();
	}

}
