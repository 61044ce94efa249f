package io.eventsource.listen;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.springframework.util.StringUtils;

/**
 * Thrown at startup when an {@link EventSourceListener @EventSourceListener} method
 * cannot be bound: its message names the bean, the method and the fix.
 */
public class InvalidEventHandlerException extends IllegalStateException {

	private final String description;

	private final String action;

	/**
	 * Creates the exception.
	 * @param description what is wrong, naming the bean and the method
	 * @param action how to fix it
	 */
	public InvalidEventHandlerException(String description, String action) {
		super(description + "; " + action);
		this.description = description;
		this.action = action;
	}

	/**
	 * Returns what is wrong, naming the bean and the method.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * Returns how to fix it.
	 * @return the action, an imperative sentence without a final period
	 */
	public String getAction() {
		return StringUtils.capitalize(this.action);
	}

	/**
	 * Describes a handler method the way the messages name it: the declaring class, the
	 * method name and the simple names of its parameter types.
	 * @param method the method
	 * @return the description, for example
	 * {@code com.example.Catalog.on(ProductCreated, EventMetadata)}
	 */
	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
				+ ")";
	}

	/**
	 * Describes a handler method of a bean.
	 * @param beanName the bean name
	 * @param method the method
	 * @return the description, for example
	 * {@code com.example.Catalog.on(ProductCreated) of bean 'catalog'}
	 */
	public static String describe(String beanName, Method method) {
		return describe(method) + " of bean '" + beanName + "'";
	}

}
