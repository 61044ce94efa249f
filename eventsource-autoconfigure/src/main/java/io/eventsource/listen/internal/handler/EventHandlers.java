package io.eventsource.listen.internal.handler;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.InvalidEventHandlerException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The {@link EventSourceListener @EventSourceListener} methods of an application context,
 * by aggregate type, projection and event type name; at most one handler for each.
 * <p>
 * Filled by {@link EventSourceListenerAnnotationBeanPostProcessor} while the context
 * starts, read by the listener side afterwards. Lookups are safe from any thread.
 */
public final class EventHandlers {

	private final NavigableMap<String, NavigableMap<String, NavigableMap<String, EventHandler>>> handlers = new ConcurrentSkipListMap<>();

	EventHandlers() {
	}

	/**
	 * Adds a handler.
	 * @param handler the handler
	 * @throws InvalidEventHandlerException if the projection already has a handler for
	 * the event type
	 */
	public synchronized void add(EventHandler handler) {
		NavigableMap<String, EventHandler> byEventType = this.handlers
			.computeIfAbsent(handler.aggregateType(), (aggregateType) -> new ConcurrentSkipListMap<>())
			.computeIfAbsent(handler.projection(), (projection) -> new ConcurrentSkipListMap<>());
		EventHandler existing = byEventType.putIfAbsent(handler.eventType(), handler);
		if (existing != null) {
			throw new InvalidEventHandlerException(
					"Two @EventSourceListener methods handle event type '" + handler.eventType()
							+ "' of aggregate type '" + handler.aggregateType() + "' in projection '"
							+ handler.projection() + "': " + existing.describe() + " and " + handler.describe(),
					"keep one of them, or move one to another projection with "
							+ "@EventSourceListener(projection = \"...\")");
		}
	}

	/**
	 * Returns the aggregate types at least one handler binds to.
	 * @return the aggregate types, sorted
	 */
	public Set<String> aggregateTypes() {
		return Collections.unmodifiableSet(this.handlers.navigableKeySet());
	}

	/**
	 * Returns the projections with handlers for an aggregate type.
	 * @param aggregateType the aggregate type
	 * @return the projections, sorted; empty when no handler binds to the aggregate type
	 */
	public Set<String> projections(String aggregateType) {
		Assert.notNull(aggregateType, "'aggregateType' must not be null");
		NavigableMap<String, NavigableMap<String, EventHandler>> byProjection = this.handlers.get(aggregateType);
		return (byProjection != null) ? Collections.unmodifiableSet(byProjection.navigableKeySet()) : Set.of();
	}

	/**
	 * Returns the handlers of a projection for an aggregate type.
	 * @param aggregateType the aggregate type
	 * @param projection the projection
	 * @return the handlers, sorted by event type name; empty when there are none
	 */
	public List<EventHandler> handlers(String aggregateType, String projection) {
		Map<String, EventHandler> byEventType = byEventType(aggregateType, projection);
		return (byEventType != null) ? List.copyOf(byEventType.values()) : List.of();
	}

	/**
	 * Returns the handler of a projection for an event type of an aggregate type.
	 * @param aggregateType the aggregate type
	 * @param projection the projection
	 * @param eventType the event type name
	 * @return the handler, or {@code null} when the projection does not handle the event
	 * type
	 */
	public @Nullable EventHandler handler(String aggregateType, String projection, String eventType) {
		Assert.notNull(eventType, "'eventType' must not be null");
		Map<String, EventHandler> byEventType = byEventType(aggregateType, projection);
		return (byEventType != null) ? byEventType.get(eventType) : null;
	}

	/**
	 * Returns whether no handler was found.
	 * @return whether there are no handlers
	 */
	public boolean isEmpty() {
		return this.handlers.isEmpty();
	}

	private @Nullable Map<String, EventHandler> byEventType(String aggregateType, String projection) {
		Assert.notNull(aggregateType, "'aggregateType' must not be null");
		Assert.notNull(projection, "'projection' must not be null");
		Map<String, NavigableMap<String, EventHandler>> byProjection = this.handlers.get(aggregateType);
		return (byProjection != null) ? byProjection.get(projection) : null;
	}

	@Override
	public String toString() {
		return "EventHandlers " + this.handlers;
	}

}
