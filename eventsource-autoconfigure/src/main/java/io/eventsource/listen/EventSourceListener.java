package io.eventsource.listen;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a bean as the handler of one event type. The first parameter is the
 * event; an optional second parameter of type
 * {@link io.eventsource.envelope.EventMetadata EventMetadata} receives its metadata.
 *
 * <pre class="code">
 * &#64;Component
 * class Catalog {
 *
 *     &#64;EventSourceListener(projection = "catalog")
 *     void on(ProductCreated event, EventMetadata metadata) { ... }
 *
 * }
 * </pre>
 *
 * The event class is the consumer's own: it is bound by its event type name
 * ({@link io.eventsource.envelope.EventType @EventType} or the simple class name), never
 * by the producer's class, and it must declare its aggregate type with
 * {@code @EventType(aggregate = "...")}. The payload is read into the parameter's class
 * only; no class named by a message is ever instantiated.
 * <p>
 * What the listener side guarantees, per service and {@link #projection() projection}:
 * <ul>
 * <li>Each event of the aggregate types the projection's handlers bind to reaches one
 * instance of the service; instances compete, and the events of one aggregate are handled
 * by one instance at a time. An event type the projection has no handler for is
 * acknowledged and counted as ignored.</li>
 * <li>Per aggregate, events are applied in sequence order: a duplicate or older sequence
 * is acknowledged without running the handler, and an event after a gap waits until the
 * missing one has been applied.</li>
 * <li>Each event is applied once per (service, projection): the ack row in
 * {@code message_acks} is written in the same transaction as the handler, on the
 * application's {@code DataSource}, so a handler that writes to that database commits its
 * effect and the ack together or not at all.</li>
 * <li>Events published while the handler runs carry the handled event's correlation id
 * and its id as causation id.</li>
 * </ul>
 * A gap (events lost on the way, or deleted with an expired per-aggregate queue) that
 * lasts longer than {@code eventsource.replay.gap-timeout} is repaired: the missing
 * events are asked for from the producers' logs and applied first.
 * <p>
 * An aggregate that already had events when the projection first listened is replayed
 * from its first event the same way, once its next event arrives.
 * <p>
 * What it does not guarantee: order across aggregates; events lost at the end of an
 * aggregate's stream with no later event to reveal the gap until the next catch-up from
 * the producers' logs (after startup, or on demand); once-only effects outside the
 * application's {@code DataSource} (a handler calling another system sees an event again
 * if its transaction rolls back after the call, so such calls should be idempotent); and
 * that a handler never runs for an event it already handled once when it throws (the
 * event is redelivered).
 * <p>
 * A method whose parameters are not {@code (event)} or {@code (event, EventMetadata)},
 * whose event class declares no aggregate type, or that binds the same event type as
 * another method of its projection, fails the application at startup. The annotation may
 * be used as a meta-annotation; handlers are found on the target class of proxies and on
 * inherited methods, and are invoked through the proxy, so {@code @Transactional} on a
 * handler applies.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventSourceListener {

	/**
	 * The projection (handler group) the method belongs to: the unit that keeps its own
	 * place in each aggregate and its own ack rows. Letters, digits, {@code _}, {@code .}
	 * or {@code -}, at most 128 characters. Defaults to the decapitalized simple name of
	 * the bean's class ({@code Catalog} gives {@code catalog}); since the ack table keys
	 * on it, renaming the class would start a new projection from scratch, so set it
	 * explicitly for handlers that outlive a refactoring.
	 * @return the projection, or an empty string for the default
	 */
	String projection() default "";

}
