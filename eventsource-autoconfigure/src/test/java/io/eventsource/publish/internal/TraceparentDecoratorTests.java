package io.eventsource.publish.internal;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TraceparentDecorator}.
 */
class TraceparentDecoratorTests {

	private final EventEnvelope envelope = new EventEnvelope(new EventMetadata(UUID.randomUUID(), "Product", "1", 1,
			"PriceChanged", Instant.now(), "c", null, "catalog", Map.of()), "{}");

	@Test
	void addsTheW3cTraceparentOfTheCurrentSpan() {
		SimpleTracer tracer = new SimpleTracer();
		Span span = tracer.nextSpan().start();
		try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
			EventEnvelope decorated = new TraceparentDecorator(tracer).decorate(this.envelope);
			String flags = Boolean.TRUE.equals(span.context().sampled()) ? "01" : "00";
			assertThat(decorated.metadata().headers()).containsEntry("traceparent",
					"00-" + span.context().traceId() + "-" + span.context().spanId() + "-" + flags);
		}
		finally {
			span.end();
		}
	}

	@Test
	void leavesTheEventAloneWithoutASpan() {
		assertThat(new TraceparentDecorator(new SimpleTracer()).decorate(this.envelope)).isSameAs(this.envelope);
	}

}
