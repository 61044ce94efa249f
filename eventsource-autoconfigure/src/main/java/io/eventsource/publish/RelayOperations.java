package io.eventsource.publish;

/**
 * What a program can ask of the outbox relay directly: send what is committed now, on its
 * own thread, and tell how much is still waiting. A program that publishes and then exits
 * (a batch job, a command-line tool) calls {@link #relayPending()} before it stops
 * instead of leaving its events to the next start of the relay.
 * <p>
 * Every guarantee of the relay holds on this path too: an event counts as relayed only
 * after the broker confirmed it, and the events of an aggregate go out in order.
 */
public interface RelayOperations {

	/**
	 * Sends every committed event that can be sent now, on the calling thread, and
	 * returns once a pass over the outbox finds nothing more to send or the broker cannot
	 * be reached.
	 * @return how many events were confirmed and marked relayed
	 */
	int relayPending();

	/**
	 * Returns how many committed events wait to be relayed.
	 * @return the number of unrelayed events in this service's outbox
	 */
	long backlog();

}
