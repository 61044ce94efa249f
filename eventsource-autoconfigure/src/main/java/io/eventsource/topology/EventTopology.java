package io.eventsource.topology;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.eventsource.envelope.EventEnvelope;

/**
 * How events reach the listening services through RabbitMQ. An implementation declares
 * what it needs, publishes with {@code mandatory} and publisher confirms, and reports per
 * event whether the broker took responsibility for it.
 * <p>
 * Called by one relay thread at a time; implementations need not be thread-safe for
 * {@link #send(List)} and {@link #publish(List)}.
 */
public interface EventTopology {

	/**
	 * Publishes events, per aggregate in list order, without waiting for the broker's
	 * confirms, so that the relay can read and publish its next page meanwhile. The
	 * default sends and waits at once; an implementation that can do better overrides it.
	 * @param events the events, per aggregate in sequence order
	 * @return the publishing in progress; its {@link Publishing#await()} must be called
	 * in the order of the {@code publish} calls
	 */
	default Publishing publish(List<EventEnvelope> events) {
		SendOutcomes result = send(events);
		return () -> result;
	}

	/**
	 * Sends events, per aggregate in list order, and waits for the broker's confirms.
	 * @param events the events, per aggregate in sequence order
	 * @return the outcome of each event
	 */
	SendOutcomes send(List<EventEnvelope> events);

	/**
	 * Events published and not yet known to be confirmed.
	 */
	@FunctionalInterface
	interface Publishing {

		/**
		 * Waits for the broker's confirms of the events.
		 * @return the outcome of each event
		 */
		SendOutcomes await();

		/**
		 * Returns whether {@link #await()} returns without waiting: the broker confirmed
		 * or refused every event, or the channel closed. The default answers
		 * {@code true}, so that a publishing that cannot tell is awaited at once.
		 * @return {@code true} when the confirms are in
		 */
		default boolean isSettled() {
			return true;
		}

		/**
		 * Returns a publishing in progress from how it is awaited and how it tells that
		 * it is settled.
		 * @param await waits for the confirms
		 * @param settled whether the confirms are in
		 * @return the publishing
		 */
		static Publishing of(Supplier<SendOutcomes> await, BooleanSupplier settled) {
			return new Publishing() {

				@Override
				public SendOutcomes await() {
					return await.get();
				}

				@Override
				public boolean isSettled() {
					return settled.getAsBoolean();
				}

			};
		}

	}

}
