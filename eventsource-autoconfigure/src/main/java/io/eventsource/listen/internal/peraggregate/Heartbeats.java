package io.eventsource.listen.internal.peraggregate;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.eventsource.listen.internal.lane.DaemonThreads;
import io.eventsource.registry.ServiceRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The heartbeats of a listening instance: writes its service and aggregate types to the
 * registry at start and then every interval on a thread of its own, so that relays keep
 * sending to it. A heartbeat that cannot be written is logged once, and when one is
 * written again an action runs (a relay may have counted the service gone meanwhile). The
 * age of the last one is the gauge {@code eventsource.heartbeat.age}.
 */
final class Heartbeats {

	private static final Log logger = LogFactory.getLog(Heartbeats.class);

	private final ServiceRegistry registry;

	private final String service;

	private final Duration interval;

	private volatile Set<String> aggregateTypes = Set.of();

	private volatile Runnable recovered = () -> {
	};

	private volatile @Nullable Instant last;

	// written on the starting thread, then only on the heartbeat thread
	private boolean failing;

	private @Nullable ScheduledExecutorService thread;

	Heartbeats(ServiceRegistry registry, String service, Duration interval) {
		this.registry = registry;
		this.service = service;
		this.interval = interval;
	}

	/**
	 * Sets what to do when a heartbeat is written again after it failed.
	 * @param recovered the action, for example a catch-up
	 */
	void onRecovered(Runnable recovered) {
		this.recovered = recovered;
	}

	/**
	 * Writes the first heartbeat on the calling thread, then one every interval.
	 * @param aggregateTypes the aggregate types the instance listens to
	 * @param meters where the age gauge goes
	 */
	void start(Set<String> aggregateTypes, MeterRegistry meters) {
		this.aggregateTypes = Set.copyOf(aggregateTypes);
		Gauge.builder("eventsource.heartbeat.age", this, Heartbeats::ageSeconds)
			.description("Seconds since this instance last wrote its heartbeat")
			.baseUnit("seconds")
			.tag("service", this.service)
			.register(meters);
		write();
		ScheduledExecutorService thread = Executors
			.newSingleThreadScheduledExecutor(DaemonThreads.named("eventsource-heartbeat-"));
		this.thread = thread;
		thread.scheduleWithFixedDelay(this::write, this.interval.toMillis(), this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Stops writing heartbeats; the registry counts the service gone once the last one is
	 * older than its expiry.
	 */
	void stop() {
		ScheduledExecutorService thread = this.thread;
		this.thread = null;
		if (thread != null) {
			thread.shutdownNow();
		}
	}

	/**
	 * Returns when the last heartbeat was written.
	 * @return the time, or {@code null} before the first
	 */
	@Nullable Instant last() {
		return this.last;
	}

	private double ageSeconds() {
		Instant last = this.last;
		return (last != null) ? Duration.between(last, Instant.now()).toMillis() / 1000.0 : -1;
	}

	private void write() {
		try {
			this.registry.heartbeat(this.service, this.aggregateTypes);
			this.last = Instant.now();
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn("The heartbeat of " + this.service + " cannot be written; relays may stop "
						+ "declaring its queues once it is older than the registry expiry: " + ex);
			}
			return;
		}
		if (this.failing) {
			this.failing = false;
			logger.info("The heartbeat of " + this.service + " is written again");
			this.recovered.run();
		}
	}

}
