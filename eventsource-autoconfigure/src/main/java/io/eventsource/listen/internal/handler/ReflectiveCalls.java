package io.eventsource.listen.internal.handler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;

/**
 * Calls a handler method reflectively and lets what it threw out as it threw it.
 */
public final class ReflectiveCalls {

	private ReflectiveCalls() {
	}

	/**
	 * Calls a method.
	 * @param method the method, accessible
	 * @param target the object to call it on
	 * @param arguments its arguments
	 * @throws Exception whatever the method threw, unwrapped
	 */
	public static void call(Method method, Object target, Object... arguments) throws Exception {
		try {
			method.invoke(target, arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable thrown = ex.getTargetException();
			if (thrown instanceof Exception exception) {
				throw exception;
			}
			if (thrown instanceof Error error) {
				throw error;
			}
			throw new UndeclaredThrowableException(thrown);
		}
	}

}
