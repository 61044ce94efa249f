package io.eventsource.process;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.eventsource.process.internal.ProcessManagers;

/**
 * Declares a bean as one version of a process manager definition: its
 * {@link ProcessHandler @ProcessHandler} methods run an instance per correlation id.
 *
 * <pre class="code">
 * &#64;Component
 * &#64;ProcessManager(type = "OrderProcess", version = 1, state = OrderState.class)
 * class OrderProcess {
 *
 *     &#64;ProcessHandler(start = true)
 *     void on(OrderPlaced event, ProcessContext&lt;OrderState&gt; process) {
 *         process.state().items = event.items();
 *         process.send("kitchen", new CookFood(event.orderId(), event.items()));
 *         process.scheduleTimeout("payment", Duration.ofMinutes(15));
 *     }
 *
 * }
 * </pre>
 *
 * What the library guarantees for each instance:
 * <ul>
 * <li>An event of a {@code start} handler's type with a correlation id no instance of the
 * type has yet starts one, on the highest deployed version, with the correlation id as
 * process id. From then on, every event of a type the definitions handle that carries the
 * process id as correlation id, from any aggregate type and producer, is appended to the
 * instance's own stream in {@code public_messages} (aggregate type = the process type,
 * aggregate id = the process id), in one total order.</li>
 * <li>The stream's events are handled one at a time, in stream order, once, also with
 * competing instances of the service (they travel as any aggregate's events do).</li>
 * <li>Event-sourced: before each event, the state is rebuilt by replaying the stream
 * through the handlers of the instance's version, with sends and timeouts left out;
 * handlers must therefore derive state from the events only (and from
 * {@link ProcessContext#now()}, the handled event's time).</li>
 * <li>An instance keeps the version it started with until it completes, or until it is
 * upgraded explicitly ({@link ProcessManagers#upgrade}), after which its whole history is
 * reinterpreted by the new version's handlers.</li>
 * <li>What a handler sends or publishes goes to the outbox in the transaction that
 * records the handled event, with event ids derived from it, so a redelivered event never
 * sends twice.</li>
 * <li>A timeout is stored with the instance, survives restarts and fires once, as a
 * {@link ProcessTimedOut} event in the stream; one cancelled, rescheduled or belonging to
 * a completed instance does not fire.</li>
 * <li>A handler that throws {@link ProcessRejectedException} rejects the event: nothing
 * it did is kept, and a {@link ProcessEventRejected} event is appended to the stream. Any
 * other exception is a failure, retried and parked as for any listener.</li>
 * </ul>
 * Not guaranteed: that events carrying the correlation id which were routed before the
 * start event reach the instance (they are not part of a process yet); order between
 * events of different aggregates beyond the order they were appended in.
 */
@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ProcessManager {

	/**
	 * The process type: the aggregate type of its instances' streams. Defaults to the
	 * simple name of the class without a trailing {@code V} and digits
	 * ({@code OrderProcessV2} gives {@code OrderProcess}).
	 * @return the process type, or an empty string for the default
	 */
	String type() default "";

	/**
	 * The definition version, from 1. New instances start on the highest version
	 * deployed; running ones keep theirs.
	 * @return the version
	 */
	int version() default 1;

	/**
	 * The class of an instance's state, made with its no-argument constructor before the
	 * history is replayed; {@code Void} for a process without state.
	 * @return the state class
	 */
	Class<?> state() default Void.class;

}
