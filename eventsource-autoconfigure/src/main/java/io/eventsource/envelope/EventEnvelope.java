package io.eventsource.envelope;

import java.util.LinkedHashMap;
import java.util.Map;

import io.eventsource.envelope.internal.CloudEventsAmqpBinding;

import org.springframework.util.Assert;

/**
 * An event as it is stored and sent: its {@link EventMetadata} and its JSON payload.
 *
 * @param metadata the metadata
 * @param payload the JSON payload
 */
public record EventEnvelope(EventMetadata metadata, String payload) {

	public EventEnvelope {
		Assert.notNull(metadata, "'metadata' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
	}

	/**
	 * Returns a copy of this envelope with one more header. Header names follow the
	 * CloudEvents rules for extension attributes (lower-case letters and digits) and may
	 * not replace an attribute the library sets itself.
	 * @param name the header name
	 * @param value the header value
	 * @return the copy
	 * @throws IllegalArgumentException if the name is not a valid extension attribute
	 * name
	 */
	public EventEnvelope withHeader(String name, String value) {
		CloudEventsAmqpBinding.requireExtensionName(name);
		Assert.notNull(value, () -> "Value of header '" + name + "' must not be null");
		Map<String, String> headers = new LinkedHashMap<>(this.metadata.headers());
		headers.put(name, value);
		return new EventEnvelope(this.metadata.withHeaders(headers), this.payload);
	}

}
