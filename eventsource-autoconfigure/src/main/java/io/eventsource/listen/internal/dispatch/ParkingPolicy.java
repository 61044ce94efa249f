package io.eventsource.listen.internal.dispatch;

import java.util.Map;

import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * When an event is parked rather than tried again.
 *
 * @param maxAttempts the attempts of a failing event, the first included, before it is
 * parked
 * @param maxAttemptsByProjection the attempts of the projections that differ from
 * {@code maxAttempts}
 * @param maxPayloadSize the largest payload applied; a larger one is parked at once
 * @param maxMalformedParked the most messages that are not events the service keeps
 * parked under {@value EventDispatcher#MALFORMED}; beyond, such a message is dropped
 */
public record ParkingPolicy(int maxAttempts, Map<String, Integer> maxAttemptsByProjection, DataSize maxPayloadSize,
		long maxMalformedParked) {

	/** The default of {@code maxMalformedParked}. */
	public static final long DEFAULT_MAX_MALFORMED_PARKED = 10_000;

	public ParkingPolicy {
		Assert.isTrue(maxAttempts > 0, "'maxAttempts' must be positive");
		Assert.isTrue(maxMalformedParked >= 0, "'maxMalformedParked' must not be negative");
		maxAttemptsByProjection.forEach((projection, attempts) -> Assert.isTrue(attempts > 0,
				() -> "The maximum attempts of projection '" + projection + "' must be positive"));
		Assert.isTrue(maxPayloadSize.toBytes() > 0, "'maxPayloadSize' must be positive");
		maxAttemptsByProjection = Map.copyOf(maxAttemptsByProjection);
	}

	/**
	 * Creates a policy that keeps up to {@value #DEFAULT_MAX_MALFORMED_PARKED} messages
	 * that are not events parked.
	 * @param maxAttempts the attempts of a failing event before it is parked
	 * @param maxAttemptsByProjection the attempts of the projections that differ
	 * @param maxPayloadSize the largest payload applied
	 */
	public ParkingPolicy(int maxAttempts, Map<String, Integer> maxAttemptsByProjection, DataSize maxPayloadSize) {
		this(maxAttempts, maxAttemptsByProjection, maxPayloadSize, DEFAULT_MAX_MALFORMED_PARKED);
	}

	/**
	 * Creates a policy with the same attempts for every projection.
	 * @param maxAttempts the attempts of a failing event before it is parked
	 * @param maxPayloadSize the largest payload applied
	 */
	public ParkingPolicy(int maxAttempts, DataSize maxPayloadSize) {
		this(maxAttempts, Map.of(), maxPayloadSize);
	}

	/**
	 * Returns the attempts of a failing event of a projection before it is parked.
	 * @param projection the projection
	 * @return its own setting, or the default
	 */
	public int maxAttempts(String projection) {
		return this.maxAttemptsByProjection.getOrDefault(projection, this.maxAttempts);
	}

}
