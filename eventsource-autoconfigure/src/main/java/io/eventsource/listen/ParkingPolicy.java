package io.eventsource.listen;

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
 */
public record ParkingPolicy(int maxAttempts, Map<String, Integer> maxAttemptsByProjection, DataSize maxPayloadSize) {

	public ParkingPolicy {
		Assert.isTrue(maxAttempts > 0, "'maxAttempts' must be positive");
		maxAttemptsByProjection.forEach((projection, attempts) -> Assert.isTrue(attempts > 0,
				() -> "The maximum attempts of projection '" + projection + "' must be positive"));
		Assert.isTrue(maxPayloadSize.toBytes() > 0, "'maxPayloadSize' must be positive");
		maxAttemptsByProjection = Map.copyOf(maxAttemptsByProjection);
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
