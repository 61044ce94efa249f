package io.eventsource.envelope.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.eventsource.envelope.EventMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Maps {@link EventMetadata} to and from AMQP headers in the binary content mode of the
 * CloudEvents AMQP protocol binding. The payload is the message body and its content type
 * the AMQP {@code content-type} property ({@code application/json}); every attribute is
 * an AMQP header named with the {@value #PREFIX} prefix that the CloudEvents Java SDK's
 * Spring AMQP binding writes. Values are written in their canonical string form. Headers
 * with the binding's other prefix ({@value #ALTERNATIVE_PREFIX}) are read as well.
 */
public final class CloudEventsAmqpBinding {

	/** The prefix written on every attribute header. */
	public static final String PREFIX = "cloudEvents_";

	/** The other prefix the binding allows; read, never written. */
	public static final String ALTERNATIVE_PREFIX = "cloudEvents:";

	/** The content type of every payload. */
	public static final String CONTENT_TYPE = "application/json";

	/** The CloudEvents specification version written on every event. */
	public static final String SPEC_VERSION = "1.0";

	static final String SPECVERSION = "specversion";

	static final String ID = "id";

	static final String SOURCE = "source";

	static final String TYPE = "type";

	static final String SUBJECT = "subject";

	static final String TIME = "time";

	static final String AGGREGATE_TYPE = "aggregatetype";

	static final String SEQUENCE = "sequence";

	static final String PARTITION_KEY = "partitionkey";

	static final String CORRELATION_ID = "correlationid";

	static final String CAUSATION_ID = "causationid";

	/** The attributes the library sets itself; headers may not use these names. */
	public static final Set<String> RESERVED = Set.of(SPECVERSION, ID, SOURCE, TYPE, SUBJECT, TIME, AGGREGATE_TYPE,
			SEQUENCE, PARTITION_KEY, CORRELATION_ID, CAUSATION_ID, "datacontenttype", "dataschema", "data");

	private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,64}");

	private CloudEventsAmqpBinding() {
	}

	/**
	 * Returns the AMQP headers that carry the given metadata.
	 * @param metadata the metadata of an event
	 * @return the headers, in a stable order
	 */
	public static Map<String, Object> toHeaders(EventMetadata metadata) {
		Map<String, Object> headers = new LinkedHashMap<>();
		headers.put(PREFIX + SPECVERSION, SPEC_VERSION);
		headers.put(PREFIX + ID, metadata.eventId().toString());
		headers.put(PREFIX + SOURCE, metadata.source());
		headers.put(PREFIX + TYPE, metadata.eventType());
		headers.put(PREFIX + SUBJECT, metadata.aggregateId());
		headers.put(PREFIX + TIME, metadata.occurredAt().toString());
		headers.put(PREFIX + AGGREGATE_TYPE, metadata.aggregateType());
		headers.put(PREFIX + SEQUENCE, Long.toString(metadata.sequence()));
		headers.put(PREFIX + PARTITION_KEY, metadata.aggregateId());
		headers.put(PREFIX + CORRELATION_ID, metadata.correlationId());
		if (metadata.causationId() != null) {
			headers.put(PREFIX + CAUSATION_ID, metadata.causationId());
		}
		metadata.headers().forEach((name, value) -> headers.put(PREFIX + name, value));
		return headers;
	}

	/**
	 * Reads the metadata of an event from AMQP headers written with either prefix.
	 * @param headers the AMQP headers; values may be strings or any type whose
	 * {@code toString()} is the canonical string form
	 * @return the metadata
	 * @throws InvalidEventHeadersException if a required attribute is missing or invalid;
	 * its message quotes a value from the headers only {@linkplain UntrustedText
	 * abbreviated}, so it can be logged whatever the headers carry
	 */
	public static EventMetadata fromHeaders(Map<String, ?> headers) {
		Map<String, String> attributes = attributes(headers);
		String specVersion = required(attributes, SPECVERSION);
		if (!SPEC_VERSION.equals(specVersion)) {
			throw new InvalidEventHeadersException(
					"Unsupported CloudEvents specversion '" + UntrustedText.abbreviate(specVersion) + "'");
		}
		UUID id = parsed(attributes, ID, UUID::fromString, "a UUID");
		long sequence = parsed(attributes, SEQUENCE, Long::parseLong, "a number");
		Instant time = parsed(attributes, TIME, (text) -> OffsetDateTime.parse(text).toInstant(),
				"an RFC 3339 timestamp");
		Map<String, String> extra = new LinkedHashMap<>(attributes);
		extra.keySet().removeAll(RESERVED);
		try {
			return new EventMetadata(id, required(attributes, AGGREGATE_TYPE), required(attributes, SUBJECT), sequence,
					required(attributes, TYPE), time, required(attributes, CORRELATION_ID),
					attributes.get(CAUSATION_ID), required(attributes, SOURCE), extra);
		}
		catch (IllegalArgumentException ex) {
			// the metadata's own checks quote no value
			throw new InvalidEventHeadersException("Invalid CloudEvents attribute: " + ex.getMessage());
		}
	}

	/**
	 * Reads a required attribute; the exception of a value that does not parse quotes it
	 * abbreviated and carries no cause, whose message would quote it whole.
	 */
	private static <T> T parsed(Map<String, String> attributes, String name, Function<String, T> parser,
			String expected) {
		String value = required(attributes, name);
		try {
			return parser.apply(value);
		}
		catch (IllegalArgumentException | DateTimeException ex) {
			throw new InvalidEventHeadersException("Invalid CloudEvents attribute '" + name + "': '"
					+ UntrustedText.abbreviate(value) + "' is not " + expected);
		}
	}

	/**
	 * Checks that a header name is a valid CloudEvents extension attribute name that the
	 * library does not set itself.
	 * @param name the header name
	 * @throws IllegalArgumentException if it is not
	 */
	public static void requireExtensionName(@Nullable String name) {
		if (name == null || !EXTENSION_NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("Header name '" + UntrustedText.abbreviate(name)
					+ "' is not a CloudEvents extension attribute name: use 1 to 64 lower-case letters or digits");
		}
		if (RESERVED.contains(name)) {
			throw new IllegalArgumentException(
					"Header name '" + name + "' is a CloudEvents attribute set by eventsource itself; choose another");
		}
	}

	private static Map<String, String> attributes(Map<String, ?> headers) {
		Map<String, String> attributes = new LinkedHashMap<>();
		headers.forEach((key, value) -> {
			if (value == null) {
				return;
			}
			if (key.startsWith(PREFIX)) {
				attributes.put(key.substring(PREFIX.length()), value.toString());
			}
			else if (key.startsWith(ALTERNATIVE_PREFIX)) {
				attributes.putIfAbsent(key.substring(ALTERNATIVE_PREFIX.length()), value.toString());
			}
		});
		return attributes;
	}

	private static String required(Map<String, String> attributes, String name) {
		String value = attributes.get(name);
		if (value == null || value.isBlank()) {
			throw new InvalidEventHeadersException("Missing CloudEvents attribute '" + name + "' (header '" + PREFIX
					+ name + "' or '" + ALTERNATIVE_PREFIX + name + "')");
		}
		return value;
	}

}
