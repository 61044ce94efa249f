package io.eventsource.envelope.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link AggregateNames}.
 */
class AggregateNamesTests {

	@Test
	void longestNamesStillMakeValidAmqpNames() {
		String type = "T".repeat(AggregateNames.MAX_AGGREGATE_TYPE_LENGTH);
		String id = "\u00e9".repeat(AggregateNames.MAX_AGGREGATE_ID_BYTES / 2);
		String service = "s".repeat(AggregateNames.MAX_SERVICE_NAME_LENGTH);
		assertThatNoException().isThrownBy(() -> {
			AggregateNames.requireAggregateType(type);
			AggregateNames.requireAggregateId(id);
			AggregateNames.requireServiceName(service);
		});
		String queue = type + "-" + id + "-" + service;
		org.assertj.core.api.Assertions.assertThat(queue.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
			.isLessThanOrEqualTo(255);
	}

	@Test
	void invalidNamesAreRejectedNamingTheArgument() {
		assertThatIllegalArgumentException().isThrownBy(() -> AggregateNames.requireAggregateType(null))
			.withMessageContaining("aggregateType");
		assertThatIllegalArgumentException().isThrownBy(() -> AggregateNames.requireAggregateType("1Product"))
			.withMessageContaining("aggregateType");
		assertThatIllegalArgumentException().isThrownBy(
				() -> AggregateNames.requireAggregateType("T".repeat(AggregateNames.MAX_AGGREGATE_TYPE_LENGTH + 1)));
		assertThatIllegalArgumentException().isThrownBy(() -> AggregateNames.requireAggregateId("a\tb"))
			.withMessageContaining("aggregateId");
		assertThatIllegalArgumentException().isThrownBy(
				() -> AggregateNames.requireAggregateId("\u00e9".repeat(AggregateNames.MAX_AGGREGATE_ID_BYTES / 2 + 1)))
			.withMessageContaining("bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> AggregateNames.requireServiceName("a/b"))
			.withMessageContaining("a/b");
	}

	@Test
	void aViolationIsToldWithoutAnExceptionAsAWordFitForAMetricTag() {
		assertThat(AggregateNames.aggregateIdViolation("order-42")).isNull();
		assertThat(AggregateNames.aggregateIdViolation("\u00e9".repeat(AggregateNames.MAX_AGGREGATE_ID_BYTES / 2)))
			.isNull();
		assertThat(AggregateNames.aggregateIdViolation(null)).isEqualTo(AggregateNames.EMPTY);
		assertThat(AggregateNames.aggregateIdViolation("")).isEqualTo(AggregateNames.EMPTY);
		assertThat(AggregateNames.aggregateIdViolation(" \t")).isEqualTo(AggregateNames.EMPTY);
		assertThat(AggregateNames.aggregateIdViolation("x".repeat(70_000))).isEqualTo(AggregateNames.TOO_LONG);
		assertThat(AggregateNames.aggregateIdViolation("\u00e9".repeat(AggregateNames.MAX_AGGREGATE_ID_BYTES / 2 + 1)))
			.isEqualTo(AggregateNames.TOO_LONG);
		assertThat(AggregateNames.aggregateIdViolation("a\u0000b")).isEqualTo(AggregateNames.INVALID_CHARACTERS);
		assertThat(AggregateNames.aggregateIdViolation("a b")).isEqualTo(AggregateNames.INVALID_CHARACTERS);
		assertThat(AggregateNames.aggregateIdViolation("a\uD800b")).isEqualTo(AggregateNames.INVALID_CHARACTERS);
	}

	@Test
	void theMessageAboutAnInvalidIdNeverHoldsItWhole() {
		assertThatIllegalArgumentException().isThrownBy(() -> AggregateNames.requireAggregateId("x".repeat(70_000)))
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(300).contains("70000 chars"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AggregateNames.requireAggregateId("a\n" + "x".repeat(100)))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("\n").contains("a\\u000a"));
	}

}
