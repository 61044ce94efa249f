package io.eventsource.envelope.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.eventsource.envelope.EventType;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.StringUtils;

/**
 * Resolves the {@link EventType} name and aggregate of event classes, cached per class.
 */
public final class EventTypes {

	private static final Map<Class<?>, Descriptor> cache = new ConcurrentHashMap<>();

	private EventTypes() {
	}

	/**
	 * Returns the event type name of the given class: {@link EventType#name()} when
	 * given, otherwise the simple class name.
	 * @param eventClass the event class
	 * @return the event type name
	 */
	public static String nameOf(Class<?> eventClass) {
		return describe(eventClass).name();
	}

	/**
	 * Returns the aggregate type declared by {@link EventType#aggregate()}.
	 * @param eventClass the event class
	 * @return the aggregate type, or {@code null} when the class declares none
	 */
	public static @Nullable String aggregateOf(Class<?> eventClass) {
		return describe(eventClass).aggregate();
	}

	private static Descriptor describe(Class<?> eventClass) {
		return cache.computeIfAbsent(eventClass, EventTypes::read);
	}

	private static Descriptor read(Class<?> eventClass) {
		MergedAnnotation<EventType> annotation = MergedAnnotations.from(eventClass, SearchStrategy.TYPE_HIERARCHY)
			.get(EventType.class);
		String name = annotation.isPresent() ? annotation.getString("name") : "";
		String aggregate = annotation.isPresent() ? annotation.getString("aggregate") : "";
		if (!StringUtils.hasText(name)) {
			name = eventClass.getSimpleName();
		}
		if (!StringUtils.hasText(name)) {
			throw new IllegalArgumentException("Event class " + eventClass.getName()
					+ " has no simple name; annotate it with @EventType(name = \"...\")");
		}
		return new Descriptor(name, StringUtils.hasText(aggregate) ? aggregate : null);
	}

	private record Descriptor(String name, @Nullable String aggregate) {
	}

}
