package io.eventsource.publish.internal;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Makes the ids of new events: version 7 UUIDs (RFC 9562), whose first 48 bits are the
 * Unix time in milliseconds and whose other 74 bits (after the version and variant) are
 * random. Ids made later sort after ids made earlier (within one millisecond, in any
 * order), so the indexes keyed by them ({@code public_messages.message_id}, the primary
 * key of {@code message_acks}) grow at their right edge instead of at a random leaf. The
 * random bits come from a generator per thread seeded from a {@link SecureRandom}, so
 * that, unlike {@link UUID#randomUUID()}, making an id takes no lock shared by every
 * publishing thread, and two threads or processes draw the same bits in the same
 * millisecond no more often than two random UUIDs collide.
 */
final class EventIds {

	private static final SecureRandom SEEDS = new SecureRandom();

	private static final ThreadLocal<SplittableRandom> RANDOM = ThreadLocal
		.withInitial(() -> new SplittableRandom(SEEDS.nextLong()));

	private EventIds() {
	}

	/**
	 * Returns a new event id.
	 * @param epochMillis the current time, in milliseconds since the Unix epoch
	 * @return a version 7 UUID
	 */
	static UUID next(long epochMillis) {
		SplittableRandom random = RANDOM.get();
		long mostSignificant = ((epochMillis & 0xFFFF_FFFF_FFFFL) << 16) | 0x7000L | (random.nextInt() & 0xFFFL);
		long leastSignificant = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
		return new UUID(mostSignificant, leastSignificant);
	}

}
