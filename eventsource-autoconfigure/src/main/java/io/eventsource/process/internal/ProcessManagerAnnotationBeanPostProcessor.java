package io.eventsource.process.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.envelope.internal.EventTypes;
import io.eventsource.listen.InvalidEventHandlerException;
import io.eventsource.process.ProcessContext;
import io.eventsource.process.ProcessHandler;
import io.eventsource.process.ProcessManager;
import io.eventsource.process.ProcessTimedOut;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;
import org.springframework.util.ClassUtils;

/**
 * Collects the {@link ProcessManager @ProcessManager} beans and their
 * {@link ProcessHandler @ProcessHandler} methods into {@link ProcessDefinitions},
 * checking each one; it starts nothing. A definition that cannot run fails the
 * application at startup with a message naming the bean, the method and the fix.
 */
public class ProcessManagerAnnotationBeanPostProcessor implements BeanPostProcessor, Ordered {

	private final ProcessDefinitions definitions = new ProcessDefinitions();

	/**
	 * Returns the definitions collected so far; complete once the context's singletons
	 * are instantiated.
	 * @return the definitions
	 */
	public ProcessDefinitions getDefinitions() {
		return this.definitions;
	}

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		MergedAnnotation<ProcessManager> annotation = MergedAnnotations
			.from(targetClass, SearchStrategy.TYPE_HIERARCHY, RepeatableContainers.none())
			.get(ProcessManager.class);
		if (!annotation.isPresent()) {
			return bean;
		}
		String type = type(beanName, targetClass, annotation.getString("type"));
		int version = annotation.getInt("version");
		if (version < 1) {
			throw new InvalidEventHandlerException(
					"@ProcessManager bean '" + beanName + "' declares version " + version, "number versions from 1");
		}
		Class<?> stateClass = annotation.getClass("state");
		checkState(beanName, stateClass);
		Map<String, ProcessMethod> methods = new LinkedHashMap<>();
		MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<MergedAnnotation<ProcessHandler>>) (method) -> {
					MergedAnnotation<ProcessHandler> handler = MergedAnnotations
						.from(method, SearchStrategy.TYPE_HIERARCHY, RepeatableContainers.none())
						.get(ProcessHandler.class);
					return handler.isPresent() ? handler : null;
				})
			.forEach((method, handler) -> {
				ProcessMethod processMethod = method(bean, beanName, targetClass, type, method,
						handler.getBoolean("start"));
				ProcessMethod existing = methods.putIfAbsent(processMethod.eventType(), processMethod);
				if (existing != null) {
					throw new InvalidEventHandlerException("Two @ProcessHandler methods of process '" + type
							+ "' handle event type '" + processMethod.eventType() + "': " + existing.description()
							+ " and " + processMethod.description(), "keep one of them");
				}
			});
		if (methods.values().stream().noneMatch(ProcessMethod::start)) {
			throw new InvalidEventHandlerException(
					"@ProcessManager bean '" + beanName + "' (process '" + type + "' version " + version
							+ ") has no @ProcessHandler(start = true) method",
					"mark the handler of the event that starts a process with @ProcessHandler(start = true)");
		}
		this.definitions.add(new ProcessDefinition(type, version, beanName, bean, stateClass, methods));
		return bean;
	}

	private static String type(String beanName, Class<?> targetClass, String declared) {
		String type = declared.isEmpty()
				? ClassUtils.getUserClass(targetClass).getSimpleName().replaceFirst("V[0-9]+$", "") : declared;
		try {
			AggregateNames.requireAggregateType(type);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventHandlerException("@ProcessManager bean '" + beanName
					+ "' has an invalid process type '" + type + "': " + ex.getMessage(),
					"set @ProcessManager(type = \"...\") to a valid aggregate type");
		}
		return type;
	}

	private static void checkState(String beanName, Class<?> stateClass) {
		if (stateClass == Void.class) {
			return;
		}
		try {
			stateClass.getDeclaredConstructor();
		}
		catch (NoSuchMethodException ex) {
			throw new InvalidEventHandlerException(
					"The state class " + stateClass.getName() + " of @ProcessManager bean '" + beanName
							+ "' has no constructor without arguments",
					"give it one: the state is made new before the history is replayed");
		}
	}

	private static ProcessMethod method(Object bean, String beanName, Class<?> targetClass, String type, Method method,
			boolean start) {
		String description = "@ProcessHandler method " + InvalidEventHandlerException.describe(beanName, method);
		Class<?>[] parameters = method.getParameterTypes();
		if (parameters.length != 2 || parameters[1] != ProcessContext.class) {
			throw new InvalidEventHandlerException(description + " has parameters that cannot be bound",
					"declare (MyEvent event, ProcessContext<MyState> process)");
		}
		Class<?> eventClass = ResolvableType.forMethodParameter(method, 0, targetClass).toClass();
		String eventType;
		try {
			eventType = EventTypes.nameOf(eventClass);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventHandlerException(
					description + " has an event class with no type name: " + ex.getMessage(),
					"name its type with @EventType(name = \"...\")");
		}
		String aggregateType = (eventClass == ProcessTimedOut.class) ? null : EventTypes.aggregateOf(eventClass);
		if (eventClass != ProcessTimedOut.class) {
			if (aggregateType == null) {
				throw new InvalidEventHandlerException(
						"Event class " + eventClass.getName() + " of " + description + " declares no aggregate type",
						"annotate it with @EventType(aggregate = \"...\")");
			}
			if (aggregateType.equals(type)) {
				throw new InvalidEventHandlerException(
						description + " handles an event of the process's own type '" + type + "'",
						"a process follows events of other aggregate types; rename the process type");
			}
		}
		if (start && aggregateType == null) {
			throw new InvalidEventHandlerException(description + " starts a process on a timeout",
					"start processes on an event of another aggregate");
		}
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new InvalidEventHandlerException(
					description + " cannot be invoked through the bean's proxy: " + ex.getMessage(),
					Modifier.isPrivate(method.getModifiers()) ? "make it non-private"
							: "use class-based proxies (spring.aop.proxy-target-class=true)");
		}
		return new ProcessMethod(eventType, aggregateType, eventClass, invocable, start, description);
	}

}
