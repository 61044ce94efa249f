package io.eventsource.envelope.internal;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The rules for aggregate types, aggregate ids and service names, chosen so that every
 * RabbitMQ name built from them ({@code {Type}-{id}-{service}} and the partitioned
 * {@code {Type}.{service}.{k}}) stays within AMQP's 255 bytes.
 */
public final class AggregateNames {

	/** The longest aggregate type, in characters. */
	public static final int MAX_AGGREGATE_TYPE_LENGTH = 64;

	/** The longest aggregate id, in UTF-8 bytes. */
	public static final int MAX_AGGREGATE_ID_BYTES = 128;

	/** The longest service name, in characters. */
	public static final int MAX_SERVICE_NAME_LENGTH = 48;

	/** The violation of an aggregate id that is {@code null} or blank. */
	public static final String EMPTY = "empty";

	/**
	 * The violation of an aggregate id longer than {@value #MAX_AGGREGATE_ID_BYTES} bytes
	 * in UTF-8.
	 */
	public static final String TOO_LONG = "too-long";

	/**
	 * The violation of an aggregate id with whitespace, control characters or a lone
	 * surrogate.
	 */
	public static final String INVALID_CHARACTERS = "invalid-characters";

	private static final Pattern AGGREGATE_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

	private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

	private AggregateNames() {
	}

	/**
	 * Checks an aggregate type: a letter, then letters, digits or underscores, at most
	 * {@value #MAX_AGGREGATE_TYPE_LENGTH} characters.
	 * @param aggregateType the aggregate type
	 * @throws IllegalArgumentException naming the argument and the rule when it does not
	 * hold
	 */
	public static void requireAggregateType(@Nullable String aggregateType) {
		if (aggregateType == null || aggregateType.isBlank()) {
			throw new IllegalArgumentException("'aggregateType' must not be empty");
		}
		if (aggregateType.length() > MAX_AGGREGATE_TYPE_LENGTH || !AGGREGATE_TYPE.matcher(aggregateType).matches()) {
			throw new IllegalArgumentException(
					"'aggregateType' '" + UntrustedText.abbreviate(aggregateType) + "' is invalid: use a letter, then "
							+ "letters, digits or '_', at most " + MAX_AGGREGATE_TYPE_LENGTH + " characters");
		}
	}

	/**
	 * Checks an aggregate id: not blank, no whitespace or control characters, at most
	 * {@value #MAX_AGGREGATE_ID_BYTES} bytes in UTF-8.
	 * @param aggregateId the aggregate id
	 * @throws IllegalArgumentException naming the argument and the rule when it does not
	 * hold
	 */
	public static void requireAggregateId(@Nullable String aggregateId) {
		String violation = aggregateIdViolation(aggregateId);
		if (violation == null) {
			return;
		}
		// the id may come from the wire (a correlation id): never put it whole in a
		// message
		String shown = UntrustedText.abbreviate(aggregateId);
		throw new IllegalArgumentException(switch (violation) {
			case TOO_LONG ->
				"'aggregateId' is longer than " + MAX_AGGREGATE_ID_BYTES + " bytes in UTF-8: '" + shown + "'";
			case INVALID_CHARACTERS ->
				"'aggregateId' '" + shown + "' must not contain whitespace or control characters";
			default -> "'aggregateId' must not be empty";
		});
	}

	/**
	 * Tells which rule of {@link #requireAggregateId(String)} an aggregate id breaks,
	 * without an exception, for ids read from the wire.
	 * @param aggregateId the aggregate id
	 * @return {@code null} when the id is valid, else {@link #EMPTY}, {@link #TOO_LONG}
	 * or {@link #INVALID_CHARACTERS}: short fixed words, fit for a metric tag
	 */
	public static @Nullable String aggregateIdViolation(@Nullable String aggregateId) {
		if (aggregateId == null || aggregateId.isBlank()) {
			return EMPTY;
		}
		// a char takes one to three bytes in UTF-8: only a length in between needs
		// encoding
		if (aggregateId.length() > MAX_AGGREGATE_ID_BYTES || (aggregateId.length() * 3 > MAX_AGGREGATE_ID_BYTES
				&& aggregateId.getBytes(StandardCharsets.UTF_8).length > MAX_AGGREGATE_ID_BYTES)) {
			return TOO_LONG;
		}
		// a lone surrogate would be sent as '?' and name another queue
		if (aggregateId.codePoints()
			.anyMatch((c) -> Character.isWhitespace(c) || Character.isISOControl(c)
					|| Character.getType(c) == Character.SURROGATE)) {
			return INVALID_CHARACTERS;
		}
		return null;
	}

	/**
	 * Checks a service name: a letter or digit, then letters, digits, {@code _},
	 * {@code .} or {@code -}, at most {@value #MAX_SERVICE_NAME_LENGTH} characters.
	 * @param serviceName the service name
	 * @throws IllegalArgumentException naming the argument and the rule when it does not
	 * hold
	 */
	public static void requireServiceName(@Nullable String serviceName) {
		if (serviceName == null || serviceName.isBlank()) {
			throw new IllegalArgumentException("'serviceName' must not be empty");
		}
		if (serviceName.length() > MAX_SERVICE_NAME_LENGTH || !SERVICE_NAME.matcher(serviceName).matches()) {
			throw new IllegalArgumentException("Service name '" + serviceName + "' is invalid: use letters, digits, "
					+ "'_', '.' or '-', at most " + MAX_SERVICE_NAME_LENGTH + " characters");
		}
	}

}
