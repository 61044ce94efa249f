package io.eventsource.registry.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services a reader of the registry has seen live, each kept live for one registry
 * expiry after it was last seen, also when the registry's next answer leaves it out. The
 * registry's answer is short of services for reasons that are not theirs: Redis keeps
 * nothing on disk here, so a restart forgets every heartbeat, and a service cannot
 * heartbeat while Redis is down. When the registry answers again after an outage, every
 * service known before it counts as seen at that moment, so that it has a whole expiry
 * (longer than its heartbeat interval) to heartbeat again before it counts as gone.
 * Keeping a service that is really gone a little longer only costs queue declarations
 * that expire by themselves; dropping a live one sends its events to nobody.
 */
final class KnownServices {

	private final Duration expiry;

	private final Map<String, Map<String, Instant>> liveUntil = new ConcurrentHashMap<>();

	KnownServices(Duration expiry) {
		this.expiry = expiry;
	}

	/**
	 * Returns the services of an answer of the registry together with those seen live
	 * less than an expiry ago.
	 * @param aggregateType the aggregate type
	 * @param answer the registry's answer
	 * @param now the current time
	 * @return the live services
	 */
	Set<String> live(String aggregateType, Set<String> answer, Instant now) {
		Map<String, Instant> known = this.liveUntil.computeIfAbsent(aggregateType, (type) -> new ConcurrentHashMap<>());
		Instant until = now.plus(this.expiry);
		answer.forEach((service) -> known.merge(service, until, KnownServices::later));
		known.values().removeIf((end) -> !end.isAfter(now));
		return Set.copyOf(known.keySet());
	}

	/**
	 * Counts every known service as seen live now: the registry answers again after an
	 * outage during which no service could heartbeat.
	 * @param now the current time
	 */
	void registryRecovered(Instant now) {
		Instant until = now.plus(this.expiry);
		this.liveUntil.values().forEach((known) -> known.replaceAll((service, end) -> later(end, until)));
	}

	private static Instant later(Instant one, Instant other) {
		return one.isAfter(other) ? one : other;
	}

}
