package io.eventsource.process;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link ProcessManager @ProcessManager} bean as the handler of one
 * event type: {@code (MyEvent event, ProcessContext<S> process)}. The event class is
 * bound by its event type name, as for
 * {@link io.eventsource.listen.EventSourceListener @EventSourceListener}, and declares
 * its aggregate type with {@code @EventType(aggregate = "...")}; {@link ProcessTimedOut}
 * is handled the same way.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ProcessHandler {

	/**
	 * Whether an event of this type starts an instance when its correlation id has none.
	 * @return whether it starts a process
	 */
	boolean start() default false;

}
