package io.eventsource.listen.internal.handler;

import java.lang.reflect.Method;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.InvalidEventHandlerException;

import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

/**
 * One {@link EventSourceListener @EventSourceListener} method bound to one event type of
 * one aggregate type in one projection.
 */
public final class EventHandler {

	private final String beanName;

	private final Object bean;

	private final Method method;

	private final Class<?> eventClass;

	private final boolean takesMetadata;

	private final String projection;

	private final String aggregateType;

	private final String eventType;

	private final String description;

	/**
	 * Creates a handler.
	 * @param beanName the name of the bean
	 * @param bean the bean, a proxy when the bean is proxied
	 * @param declaredMethod the annotated method, as declared on the bean's class
	 * @param method the method, invocable on the bean
	 * @param binding what the method is bound to; it takes the {@link EventMetadata} as
	 * second parameter when it has two
	 */
	EventHandler(String beanName, Object bean, Method declaredMethod, Method method, HandlerBinding binding) {
		this.beanName = beanName;
		this.bean = bean;
		this.method = method;
		this.eventClass = binding.eventClass();
		this.takesMetadata = method.getParameterCount() == 2;
		this.projection = binding.projection();
		this.aggregateType = binding.aggregateType();
		this.eventType = binding.eventType();
		this.description = InvalidEventHandlerException.describe(beanName, declaredMethod);
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * Creates a handler the library binds itself, outside
	 * {@link EventSourceListener @EventSourceListener} (a process manager's router, for
	 * one): the method takes {@code (event)} or {@code (event, EventMetadata)}.
	 * @param beanName the name the handler is described by
	 * @param bean the object the method is invoked on
	 * @param method the method
	 * @param eventClass the class payloads are bound to
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param eventType the event type name
	 * @return the handler
	 */
	public static EventHandler of(String beanName, Object bean, Method method, Class<?> eventClass, String projection,
			String aggregateType, String eventType) {
		return new EventHandler(beanName, bean, method, method,
				new HandlerBinding(eventClass, projection, aggregateType, eventType));
	}

	/**
	 * Calls the method with an event.
	 * @param event the event, an instance of {@link #eventClass()}
	 * @param metadata the event's metadata, passed when the method takes it
	 * @throws Exception whatever the method throws, as it threw it
	 */
	public void invoke(Object event, EventMetadata metadata) throws Exception {
		Assert.notNull(event, "'event' must not be null");
		if (!this.eventClass.isInstance(event)) {
			throw new IllegalArgumentException("'event' of " + event.getClass().getName() + " is not a "
					+ this.eventClass.getName() + ", the event class of " + this.description);
		}
		Assert.notNull(metadata, "'metadata' must not be null");
		if (this.takesMetadata) {
			ReflectiveCalls.call(this.method, this.bean, event, metadata);
		}
		else {
			ReflectiveCalls.call(this.method, this.bean, event);
		}
	}

	/**
	 * Returns the name of the bean that declares the method.
	 * @return the bean name
	 */
	public String beanName() {
		return this.beanName;
	}

	/**
	 * Returns the bean the method is invoked on; a proxy when the bean is proxied.
	 * @return the bean
	 */
	public Object bean() {
		return this.bean;
	}

	/**
	 * Returns the method, as invoked on {@link #bean()}.
	 * @return the method
	 */
	public Method method() {
		return this.method;
	}

	/**
	 * Returns the class a payload is bound to: the method's first parameter type.
	 * @return the event class
	 */
	public Class<?> eventClass() {
		return this.eventClass;
	}

	/**
	 * Returns whether the method takes the {@link EventMetadata} as second parameter.
	 * @return whether the method takes the metadata
	 */
	public boolean takesMetadata() {
		return this.takesMetadata;
	}

	/**
	 * Returns the projection the method belongs to.
	 * @return the projection
	 */
	public String projection() {
		return this.projection;
	}

	/**
	 * Returns the aggregate type of the event class.
	 * @return the aggregate type
	 */
	public String aggregateType() {
		return this.aggregateType;
	}

	/**
	 * Returns the event type name the method handles.
	 * @return the event type name
	 */
	public String eventType() {
		return this.eventType;
	}

	/**
	 * Describes the handler for messages and logs.
	 * @return the description, naming the method and the bean
	 */
	public String describe() {
		return this.description;
	}

	@Override
	public String toString() {
		return describe() + " for event type '" + this.eventType + "' of aggregate type '" + this.aggregateType
				+ "' in projection '" + this.projection + "'";
	}

}
