package io.eventsource.listen.internal.dispatch;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.store.internal.ParkedEventRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The gauge {@code eventsource.parked.events}: how many events this service holds parked,
 * per projection (the handlers' projections and {@value EventDispatcher#MALFORMED}). The
 * counts are read from {@code parked_events} at most once per refresh interval, when the
 * gauge is sampled.
 */
public class ParkedEventsGauge implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ParkedEventsGauge.class);

	private final EventHandlers handlers;

	private final ParkedEventRepository parked;

	private final MeterRegistry registry;

	private final String service;

	private final long refreshNanos;

	private volatile Map<String, Long> counts = Map.of();

	private volatile long readAt;

	private volatile boolean running;

	/**
	 * Creates the gauge.
	 * @param handlers the handlers, whose projections are measured
	 * @param parked the parked events
	 * @param registry the registry
	 * @param service this service
	 * @param refresh how long a reading of the table is used
	 */
	public ParkedEventsGauge(EventHandlers handlers, ParkedEventRepository parked, MeterRegistry registry,
			String service, Duration refresh) {
		this.handlers = handlers;
		this.parked = parked;
		this.registry = registry;
		this.service = service;
		this.refreshNanos = refresh.toNanos();
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		Set<String> projections = new TreeSet<>();
		projections.add(EventDispatcher.MALFORMED);
		for (String aggregateType : this.handlers.aggregateTypes()) {
			projections.addAll(this.handlers.projections(aggregateType));
		}
		for (String projection : projections) {
			Gauge.builder("eventsource.parked.events", this, (gauge) -> gauge.count(projection))
				.description("Events this service holds parked until they are retried or skipped")
				.tag("projection", projection)
				.tag("service", this.service)
				.register(this.registry);
		}
		this.running = true;
	}

	private double count(String projection) {
		long now = System.nanoTime();
		if (now - this.readAt > this.refreshNanos || this.readAt == 0) {
			try {
				this.counts = this.parked.countByProjection(this.service);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not count the parked events; the gauge keeps its last reading", ex);
			}
			this.readAt = now;
		}
		return this.counts.getOrDefault(projection, 0L);
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
