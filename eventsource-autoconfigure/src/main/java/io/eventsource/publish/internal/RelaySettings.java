package io.eventsource.publish.internal;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How the {@link OutboxRelay} pages and waits.
 *
 * @param confirmTimeout the longest wait for the confirms of one page
 * @param batchSize the most rows in one page, positive
 * @param pollInterval how often to look for rows left behind, positive
 */
public record RelaySettings(Duration confirmTimeout, int batchSize, Duration pollInterval) {

	public RelaySettings {
		Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
		Assert.isTrue(!pollInterval.isNegative() && !pollInterval.isZero(), "'pollInterval' must be positive");
	}

}
