package io.eventsource.process.internal;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;

/**
 * One version of a process manager definition: its bean, its state class and its handler
 * methods by event type name.
 */
final class ProcessDefinition {

	private final String type;

	private final int version;

	private final String beanName;

	private final Object bean;

	private final Class<?> stateClass;

	private final Map<String, ProcessMethod> methods;

	private final Set<String> startTypes = new TreeSet<>();

	ProcessDefinition(String type, int version, String beanName, Object bean, Class<?> stateClass,
			Map<String, ProcessMethod> methods) {
		this.type = type;
		this.version = version;
		this.beanName = beanName;
		this.bean = bean;
		this.stateClass = stateClass;
		this.methods = new TreeMap<>(methods);
		methods.values()
			.stream()
			.filter(ProcessMethod::start)
			.forEach((method) -> this.startTypes.add(method.eventType()));
	}

	String type() {
		return this.type;
	}

	int version() {
		return this.version;
	}

	String beanName() {
		return this.beanName;
	}

	Object bean() {
		return this.bean;
	}

	@Nullable ProcessMethod method(String eventType) {
		return this.methods.get(eventType);
	}

	Iterable<ProcessMethod> methods() {
		return this.methods.values();
	}

	Set<String> startTypes() {
		return Collections.unmodifiableSet(this.startTypes);
	}

	@Nullable Object newState() {
		return (this.stateClass == Void.class) ? null : BeanUtils.instantiateClass(this.stateClass);
	}

	@Override
	public String toString() {
		return "process '" + this.type + "' version " + this.version + " (bean '" + this.beanName + "')";
	}

}
