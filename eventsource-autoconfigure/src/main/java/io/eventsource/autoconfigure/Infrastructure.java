package io.eventsource.autoconfigure;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The one way the configurations get the clock and the meter registry: the system clock
 * in UTC, and the application's registry or, without one, Micrometer's global registry.
 */
final class Infrastructure {

	/** The clock every component of the library reads. */
	static final Clock CLOCK = Clock.systemUTC();

	private Infrastructure() {
	}

	/**
	 * Returns the meter registry the library's meters go to.
	 * @param meterRegistry the application's registry, if any
	 * @return that registry, else Micrometer's global registry
	 */
	static MeterRegistry meters(ObjectProvider<MeterRegistry> meterRegistry) {
		return meterRegistry.getIfAvailable(() -> Metrics.globalRegistry);
	}

}
