package io.eventsource.store.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.StringUtils;

/**
 * The {@code headers} column of the tables that keep whole events: the attributes that
 * have no column of their own (source, correlation and causation ids, extra headers), as
 * a JSON object.
 */
final class HeadersJson {

	private static final TypeReference<LinkedHashMap<String, String>> HEADERS_TYPE = new TypeReference<>() {
	};

	private static final String SOURCE = "source";

	private static final String CORRELATION_ID = "correlationid";

	private static final String CAUSATION_ID = "causationid";

	private final JsonMapper jsonMapper;

	HeadersJson(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	String write(EventMetadata metadata) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(SOURCE, metadata.source());
		headers.put(CORRELATION_ID, metadata.correlationId());
		if (metadata.causationId() != null) {
			headers.put(CAUSATION_ID, metadata.causationId());
		}
		headers.putAll(metadata.headers());
		return this.jsonMapper.writeValueAsString(headers);
	}

	/**
	 * Reads the metadata of an event from its columns and its headers.
	 */
	EventMetadata metadata(String messageId, String aggregateType, String aggregateId, long sequence, String eventType,
			@Nullable Instant occurredAt, @Nullable String json) {
		Map<String, String> headers = (json == null || json.isBlank()) ? new LinkedHashMap<>()
				: this.jsonMapper.readValue(json, HEADERS_TYPE);
		String source = headers.remove(SOURCE);
		String correlationId = headers.remove(CORRELATION_ID);
		String causationId = headers.remove(CAUSATION_ID);
		// a message parked as malformed keeps its own headers, which may use these names
		// with any value
		return new EventMetadata(UUID.fromString(messageId), aggregateType, aggregateId, sequence, eventType,
				(occurredAt != null) ? occurredAt : Instant.EPOCH,
				StringUtils.hasText(correlationId) ? correlationId : messageId, causationId,
				StringUtils.hasText(source) ? source : "unknown", headers);
	}

}
