package io.eventsource.process.internal;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.eventsource.listen.InvalidEventHandlerException;
import io.eventsource.process.ProcessManager;
import io.eventsource.process.ProcessTimedOut;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ProcessManager @ProcessManager} definitions of an application context, by
 * process type and version. Filled while the context starts, read afterwards.
 */
public final class ProcessDefinitions {

	private final Map<String, NavigableMap<Integer, ProcessDefinition>> definitions = new TreeMap<>();

	ProcessDefinitions() {
	}

	synchronized void add(ProcessDefinition definition) {
		ProcessDefinition existing = this.definitions.computeIfAbsent(definition.type(), (type) -> new TreeMap<>())
			.putIfAbsent(definition.version(), definition);
		if (existing != null) {
			throw new InvalidEventHandlerException(
					"Beans '" + existing.beanName() + "' and '" + definition.beanName() + "' both define version "
							+ definition.version() + " of process '" + definition.type() + "'",
					"give one of them another @ProcessManager(version = ...)");
		}
	}

	/**
	 * Returns the process types.
	 * @return the process types, sorted
	 */
	public synchronized Set<String> types() {
		return Collections.unmodifiableSet(new TreeSet<>(this.definitions.keySet()));
	}

	/**
	 * Returns the deployed versions of a process type.
	 * @param type the process type
	 * @return the versions, ascending; empty for an unknown type
	 */
	public synchronized Set<Integer> versions(String type) {
		NavigableMap<Integer, ProcessDefinition> versions = this.definitions.get(type);
		return (versions != null) ? Collections.unmodifiableSet(new TreeSet<>(versions.keySet())) : Set.of();
	}

	synchronized @Nullable ProcessDefinition get(String type, int version) {
		NavigableMap<Integer, ProcessDefinition> versions = this.definitions.get(type);
		return (versions != null) ? versions.get(version) : null;
	}

	synchronized ProcessDefinition latest(String type) {
		NavigableMap<Integer, ProcessDefinition> versions = this.definitions.get(type);
		if (versions == null || versions.isEmpty()) {
			throw new IllegalArgumentException("No process type '" + type + "'");
		}
		return versions.lastEntry().getValue();
	}

	/**
	 * Returns the (aggregate type, event type) pairs the versions of a process type
	 * handle, {@link ProcessTimedOut} left out.
	 */
	synchronized Set<Followed> followed(String type) {
		Set<Followed> followed = new TreeSet<>();
		for (ProcessDefinition definition : this.definitions.getOrDefault(type, new TreeMap<>()).values()) {
			for (ProcessMethod method : definition.methods()) {
				if (method.aggregateType() != null) {
					followed.add(new Followed(method.aggregateType(), method.eventType()));
				}
			}
		}
		return followed;
	}

	/**
	 * Returns the event type names any version of a process type handles.
	 */
	synchronized Set<String> eventTypes(String type) {
		Set<String> eventTypes = new TreeSet<>();
		for (ProcessDefinition definition : this.definitions.getOrDefault(type, new TreeMap<>()).values()) {
			definition.methods().forEach((method) -> eventTypes.add(method.eventType()));
		}
		return eventTypes;
	}

	/**
	 * An event type of an aggregate type that a process follows.
	 *
	 * @param aggregateType the aggregate type
	 * @param eventType the event type name
	 */
	record Followed(String aggregateType, String eventType) implements Comparable<Followed> {

		@Override
		public int compareTo(Followed other) {
			int byAggregate = this.aggregateType.compareTo(other.aggregateType);
			return (byAggregate != 0) ? byAggregate : this.eventType.compareTo(other.eventType);
		}

	}

}
