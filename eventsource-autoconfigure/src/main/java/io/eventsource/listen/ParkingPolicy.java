package io.eventsource.listen;

import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * When an event is parked rather than tried again.
 *
 * @param maxAttempts the attempts of a failing event, the first included, before it is
 * parked
 * @param maxPayloadSize the largest payload applied; a larger one is parked at once
 */
public record ParkingPolicy(int maxAttempts, DataSize maxPayloadSize) {

	public ParkingPolicy {
		Assert.isTrue(maxAttempts > 0, "'maxAttempts' must be positive");
		Assert.isTrue(maxPayloadSize.toBytes() > 0, "'maxPayloadSize' must be positive");
	}

}
