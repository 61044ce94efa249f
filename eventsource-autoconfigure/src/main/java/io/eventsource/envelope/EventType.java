package io.eventsource.envelope;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an event class on the wire. The name, never the Java class name, is what travels
 * in the {@code type} attribute, so a consumer binds the same name to a class of its own
 * and never needs the producer's jar.
 * <p>
 * Without this annotation the simple class name is used. The annotation may be used as a
 * meta-annotation.
 *
 * <pre class="code">
 * &#64;EventType(aggregate = "Product")
 * record ProductCreated(String sku, String title) {}
 * </pre>
 */
@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventType {

	/**
	 * The stable event type name; defaults to the simple name of the annotated class.
	 * @return the event type name, or an empty string for the simple class name
	 */
	String name() default "";

	/**
	 * The aggregate type this event belongs to. When set, publishing the event for
	 * another aggregate type is rejected.
	 * @return the aggregate type, or an empty string when the event may belong to any
	 */
	String aggregate() default "";

}
