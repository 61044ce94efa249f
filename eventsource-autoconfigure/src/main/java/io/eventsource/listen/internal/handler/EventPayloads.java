package io.eventsource.listen.internal.handler;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.eventsource.listen.EventPayloadException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * Binds the JSON payload of an event to the event class of the handler it is dispatched
 * to. The class is always the handler's parameter type; a class named by a message is
 * never instantiated.
 */
public class EventPayloads {

	private final JsonMapper jsonMapper;

	private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

	/**
	 * Creates the binding.
	 * @param jsonMapper the JSON mapper, the same configuration the publisher writes
	 * payloads with
	 */
	public EventPayloads(JsonMapper jsonMapper) {
		Assert.notNull(jsonMapper, "'jsonMapper' must not be null");
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Binds a payload to the event class of a handler.
	 * @param handler the handler
	 * @param payload the payload, JSON in UTF-8
	 * @return the event, an instance of {@link EventHandler#eventClass()}
	 * @throws EventPayloadException if the payload does not bind to the event class
	 */
	public Object read(EventHandler handler, byte[] payload) {
		Assert.notNull(handler, "'handler' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
		try {
			return checked(handler, reader(handler).readValue(payload));
		}
		catch (JacksonException ex) {
			throw failure(handler, ex);
		}
	}

	/**
	 * Binds a payload to the event class of a handler.
	 * @param handler the handler
	 * @param payload the payload, JSON
	 * @return the event, an instance of {@link EventHandler#eventClass()}
	 * @throws EventPayloadException if the payload does not bind to the event class
	 */
	public Object read(EventHandler handler, String payload) {
		Assert.notNull(handler, "'handler' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
		try {
			return checked(handler, reader(handler).readValue(payload));
		}
		catch (JacksonException ex) {
			throw failure(handler, ex);
		}
	}

	private ObjectReader reader(EventHandler handler) {
		return this.readers.computeIfAbsent(handler.eventClass(), this.jsonMapper::readerFor);
	}

	private static Object checked(EventHandler handler, @Nullable Object event) {
		if (event == null) {
			throw new EventPayloadException(handler.eventType(), handler.eventClass(), "the payload is empty or null",
					null);
		}
		return event;
	}

	private static EventPayloadException failure(EventHandler handler, JacksonException ex) {
		return new EventPayloadException(handler.eventType(), handler.eventClass(),
				Objects.requireNonNullElse(ex.getOriginalMessage(), ex.toString()), ex);
	}

}
