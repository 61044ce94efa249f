package io.eventsource.process.internal;

import java.lang.reflect.Method;

import io.eventsource.listen.internal.handler.ReflectiveCalls;
import io.eventsource.process.ProcessContext;
import io.eventsource.process.ProcessHandler;
import io.eventsource.process.ProcessTimedOut;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * One {@link ProcessHandler @ProcessHandler} method of a process definition.
 *
 * @param eventType the event type name it handles
 * @param aggregateType the aggregate type of its events, or {@code null} for
 * {@link ProcessTimedOut}
 * @param eventClass the class payloads are bound to
 * @param method the method, invocable on the definition's bean
 * @param start whether its event starts a process
 * @param description the bean and method, for messages
 */
record ProcessMethod(String eventType, @Nullable String aggregateType, Class<?> eventClass, Method method,
		boolean start, String description) {

	ProcessMethod {
		ReflectionUtils.makeAccessible(method);
	}

	void invoke(Object bean, Object event, ProcessContext<?> context) throws Exception {
		ReflectiveCalls.call(this.method, bean, event, context);
	}

}
