package io.eventsource.autoconfigure;

import io.eventsource.publish.internal.TraceparentDecorator;
import io.micrometer.tracing.Tracer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that adds the {@code traceparent} of the current span to outgoing
 * events when Micrometer Tracing is set up.
 */
@AutoConfiguration(before = EventSourceAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration" })
@ConditionalOnClass(Tracer.class)
@ConditionalOnBean(Tracer.class)
public final class EventSourceTracingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TraceparentDecorator eventSourceTraceparentDecorator(Tracer tracer) {
		return new TraceparentDecorator(tracer);
	}

}
