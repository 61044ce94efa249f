package io.eventsource.publish.internal;

import java.util.function.Supplier;

import io.eventsource.envelope.EventMetadata;
import org.jspecify.annotations.Nullable;

/**
 * The event being handled on the current thread, if any. The listener side runs each
 * handler inside {@link #callWith(EventMetadata, Supplier)}, so that events published by
 * the handler carry the handled event's correlation id and its id as causation id.
 */
public final class CorrelationContext {

	private static final ThreadLocal<@Nullable EventMetadata> current = new ThreadLocal<>();

	private CorrelationContext() {
	}

	/**
	 * Runs an action with an event as the one being handled, restoring the previous one
	 * after.
	 * @param <T> the result type
	 * @param handled the event being handled
	 * @param action the action
	 * @return the action's result
	 */
	public static <T> T callWith(EventMetadata handled, Supplier<T> action) {
		EventMetadata previous = current.get();
		current.set(handled);
		try {
			return action.get();
		}
		finally {
			if (previous != null) {
				current.set(previous);
			}
			else {
				current.remove();
			}
		}
	}

	/**
	 * Returns the event being handled on this thread.
	 * @return the event's metadata, or {@code null} when none is being handled
	 */
	public static @Nullable EventMetadata current() {
		return current.get();
	}

}
