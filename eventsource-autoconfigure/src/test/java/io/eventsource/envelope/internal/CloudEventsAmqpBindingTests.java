package io.eventsource.envelope.internal;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CloudEventsAmqpBinding}.
 */
class CloudEventsAmqpBindingTests {

	private final EventMetadata metadata = new EventMetadata(UUID.randomUUID(), "Product", "123", 7, "PriceChanged",
			Instant.parse("2026-11-25T10:15:30.123456Z"), "corr-1", "cause-1", "catalog", Map.of("tenant", "acme"));

	@Test
	void writesEveryAttributeWithTheUnderscorePrefix() {
		Map<String, Object> headers = CloudEventsAmqpBinding.toHeaders(this.metadata);
		assertThat(headers).containsOnlyKeys("cloudEvents_specversion", "cloudEvents_id", "cloudEvents_source",
				"cloudEvents_type", "cloudEvents_subject", "cloudEvents_time", "cloudEvents_aggregatetype",
				"cloudEvents_sequence", "cloudEvents_partitionkey", "cloudEvents_correlationid",
				"cloudEvents_causationid", "cloudEvents_tenant");
		assertThat(headers).containsEntry("cloudEvents_specversion", "1.0")
			.containsEntry("cloudEvents_time", "2026-11-25T10:15:30.123456Z")
			.containsEntry("cloudEvents_sequence", "7")
			.containsEntry("cloudEvents_subject", "123")
			.containsEntry("cloudEvents_partitionkey", "123");
	}

	@Test
	void readsWhatItWrites() {
		assertThat(CloudEventsAmqpBinding.fromHeaders(CloudEventsAmqpBinding.toHeaders(this.metadata)))
			.isEqualTo(this.metadata);
	}

	@Test
	void readsTheColonPrefix() {
		Map<String, Object> headers = new HashMap<>();
		CloudEventsAmqpBinding.toHeaders(this.metadata)
			.forEach((name, value) -> headers.put(name.replace("cloudEvents_", "cloudEvents:"), value));
		assertThat(CloudEventsAmqpBinding.fromHeaders(headers)).isEqualTo(this.metadata);
	}

	@Test
	void missingAttributeIsNamed() {
		Map<String, Object> headers = new HashMap<>(CloudEventsAmqpBinding.toHeaders(this.metadata));
		headers.remove("cloudEvents_sequence");
		assertThatExceptionOfType(InvalidEventHeadersException.class)
			.isThrownBy(() -> CloudEventsAmqpBinding.fromHeaders(headers))
			.withMessageContaining("sequence");
	}

	@Test
	void invalidAttributeIsRejected() {
		Map<String, Object> headers = new HashMap<>(CloudEventsAmqpBinding.toHeaders(this.metadata));
		headers.put("cloudEvents_time", "yesterday");
		assertThatExceptionOfType(InvalidEventHeadersException.class)
			.isThrownBy(() -> CloudEventsAmqpBinding.fromHeaders(headers));
		headers.put("cloudEvents_time", "2026-11-25T10:15:30Z");
		headers.put("cloudEvents_specversion", "0.3");
		assertThatExceptionOfType(InvalidEventHeadersException.class)
			.isThrownBy(() -> CloudEventsAmqpBinding.fromHeaders(headers))
			.withMessageContaining("specversion");
	}

	@Test
	void aValueThatDoesNotParseIsQuotedAbbreviatedWithoutTheCauseThatQuotesItWhole() {
		for (String attribute : new String[] { "sequence", "time", "id", "specversion" }) {
			Map<String, Object> headers = new HashMap<>(CloudEventsAmqpBinding.toHeaders(this.metadata));
			headers.put("cloudEvents_" + attribute, "9".repeat(5_000) + "\n");
			assertThatExceptionOfType(InvalidEventHeadersException.class)
				.isThrownBy(() -> CloudEventsAmqpBinding.fromHeaders(headers))
				.satisfies((ex) -> assertThat(ex.getMessage()).as(attribute)
					.hasSizeLessThan(200)
					.contains(attribute)
					.contains("(5001 chars)")
					.doesNotContain("\n"))
				.withNoCause();
		}
	}

	@Test
	void anExtensionNameThatBreaksTheRulesIsQuotedAbbreviated() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CloudEventsAmqpBinding.requireExtensionName("A".repeat(5_000)))
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(300));
	}

	@Test
	void headerNamesFollowTheExtensionRules() {
		CloudEventsAmqpBinding.requireExtensionName("traceparent");
		assertThatIllegalArgumentException().isThrownBy(() -> CloudEventsAmqpBinding.requireExtensionName("Tenant"));
		assertThatIllegalArgumentException().isThrownBy(() -> CloudEventsAmqpBinding.requireExtensionName("a-b"));
		assertThatIllegalArgumentException().isThrownBy(() -> CloudEventsAmqpBinding.requireExtensionName("sequence"))
			.withMessageContaining("set by eventsource");
	}

}
