package io.eventsource.publish.internal;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.publish.MessageDecorator;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;

/**
 * Adds the W3C {@code traceparent} of the current span (the current Micrometer
 * Observation's, when tracing is set up) to every outgoing event, so that a consumer
 * continues the trace.
 */
public class TraceparentDecorator implements MessageDecorator {

	private static final String HEADER = "traceparent";

	private final Tracer tracer;

	public TraceparentDecorator(Tracer tracer) {
		this.tracer = tracer;
	}

	@Override
	public EventEnvelope decorate(EventEnvelope envelope) {
		Span span = this.tracer.currentSpan();
		if (span == null || envelope.metadata().headers().containsKey(HEADER)) {
			return envelope;
		}
		TraceContext context = span.context();
		String flags = Boolean.TRUE.equals(context.sampled()) ? "01" : "00";
		return envelope.withHeader(HEADER, "00-" + context.traceId() + "-" + context.spanId() + "-" + flags);
	}

}
