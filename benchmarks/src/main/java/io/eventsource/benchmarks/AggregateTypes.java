package io.eventsource.benchmarks;

import java.security.SecureRandom;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The aggregate types of one benchmark run, all {@code Bench} plus the same six random
 * letters and digits, so that runs and other users of the broker, Redis and the database
 * never share a name.
 *
 * @param outbox the type eventsource publishes to its fixed aggregates
 * @param bare the type the bare client publishes to its fixed aggregates
 * @param newOutbox the type whose every event eventsource publishes on a new aggregate
 * @param newBare the type whose every message the bare client publishes on a new
 * aggregate
 */
record AggregateTypes(String outbox, String bare, String newOutbox, String newBare) {

	private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	/**
	 * Returns the types of a new run.
	 * @return the types
	 */
	static AggregateTypes random() {
		String prefix = "Bench" + suffix();
		return new AggregateTypes(prefix + "Outbox", prefix + "Bare", prefix + "NewOutbox", prefix + "NewBare");
	}

	/**
	 * Returns six random letters and digits, the part of a run's names that no other run
	 * shares.
	 * @return the suffix
	 */
	static String suffix() {
		RandomGenerator random = new SecureRandom();
		StringBuilder suffix = new StringBuilder();
		for (int i = 0; i < 6; i++) {
			suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return suffix.toString();
	}

	/**
	 * Returns the types eventsource publishes, whose rows and registry entries are the
	 * benchmark's to delete.
	 * @return the types
	 */
	List<String> outboxTypes() {
		return List.of(this.outbox, this.newOutbox);
	}

	/**
	 * Returns every type.
	 * @return the types
	 */
	List<String> all() {
		return List.of(this.outbox, this.bare, this.newOutbox, this.newBare);
	}

}
