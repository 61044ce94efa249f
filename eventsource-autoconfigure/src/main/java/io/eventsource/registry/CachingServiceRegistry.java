package io.eventsource.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * * Reads the live services of another {@link ServiceRegistry} through a short cache. An
 * entry past its time to live is answered at once and refreshed in the background, so
 * that a busy relay never waits on the registry; an entry older than twice its time to
 * live (the relay was idle) is read again before it is answered, unless the registry is
 * known to be down. While the registry cannot be reached it answers with the last set it
 * read, logs the outage once, and reports it through {@link #status()}; with nothing read
 * yet it throws, so that no event is sent to fewer services than are live.
 */
public class CachingServiceRegistry implements ServiceRegistry, AutoCloseable {

	private static final Log logger = LogFactory.getLog(CachingServiceRegistry.class);

	private final ServiceRegistry delegate;

	private final Duration ttl;

	private final Clock clock;

	private final Map<String, Entry> cache = new ConcurrentHashMap<>();

	private final AtomicReference<RegistryStatus> status;

	private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

	private final ExecutorService refresher = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "eventsource-registry-refresh");
		thread.setDaemon(true);
		return thread;
	});

	public CachingServiceRegistry(ServiceRegistry delegate, Duration ttl, Clock clock) {
		this.delegate = delegate;
		this.ttl = ttl;
		this.clock = clock;
		this.status = new AtomicReference<>(RegistryStatus.reachable(clock.instant()));
	}

	@Override
	public Set<String> liveServices(String aggregateType) {
		Entry entry = this.cache.get(aggregateType);
		if (entry == null) {
			try {
				return read(aggregateType);
			}
			catch (RuntimeException ex) {
				throw new RegistryUnavailableException("The service registry cannot be read and no earlier answer "
						+ "is known for '" + aggregateType + "'", ex);
			}
		}
		Instant now = this.clock.instant();
		if (entry.readAt().plus(this.ttl).isAfter(now)) {
			return entry.services();
		}
		if (entry.readAt().plus(this.ttl.multipliedBy(2)).isAfter(now) || !this.status.get().reachable()) {
			// recently read, or the registry is down: answer at once and refresh in the
			// background, since a read of an unreachable Redis takes as long as its
			// command timeout
			if (this.refreshing.add(aggregateType)) {
				refreshInBackground(aggregateType);
			}
			return entry.services();
		}
		// read long ago (the relay was idle): services may have joined since
		try {
			return read(aggregateType);
		}
		catch (RuntimeException ex) {
			return entry.services();
		}
	}

	private void refreshInBackground(String aggregateType) {
		try {
			this.refresher.execute(() -> {
				try {
					read(aggregateType);
				}
				catch (RuntimeException ex) {
					// status() reports it; the stale entry stands in meanwhile
				}
				finally {
					this.refreshing.remove(aggregateType);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.refreshing.remove(aggregateType);
		}
	}

	private Set<String> read(String aggregateType) {
		Instant now = this.clock.instant();
		try {
			Set<String> services = Set.copyOf(this.delegate.liveServices(aggregateType));
			this.cache.put(aggregateType, new Entry(services, now));
			reachable(now);
			return services;
		}
		catch (RuntimeException ex) {
			unreachable(now, ex);
			throw ex;
		}
	}

	@Override
	public void heartbeat(String service, Collection<String> aggregateTypes) {
		Instant now = this.clock.instant();
		try {
			this.delegate.heartbeat(service, aggregateTypes);
			reachable(now);
		}
		catch (RuntimeException ex) {
			unreachable(now, ex);
			throw new RegistryUnavailableException("The service registry cannot be written", ex);
		}
	}

	@Override
	public void close() {
		this.refresher.shutdownNow();
	}

	/**
	 * Returns whether the registry answered the last time it was asked.
	 * @return the status
	 */
	public RegistryStatus status() {
		return this.status.get();
	}

	private void reachable(Instant now) {
		RegistryStatus previous = this.status.get();
		if (!previous.reachable()) {
			this.status.set(RegistryStatus.reachable(now));
			logger.info("The service registry answers again after an outage since " + previous.since());
		}
	}

	private void unreachable(Instant now, RuntimeException ex) {
		RegistryStatus previous = this.status.get();
		if (previous.reachable()) {
			this.status.set(RegistryStatus.unreachable(now, ex));
			logger.warn("The service registry cannot be reached; relaying to the last known live services until it "
					+ "answers again: " + ex.getMessage());
		}
	}

	private record Entry(Set<String> services, Instant readAt) {
	}

	/**
	 * Whether the registry answered the last time it was asked, and since when.
	 *
	 * @param reachable whether it answered
	 * @param since since when it has been in this state
	 * @param error the error of the outage, {@code null} when reachable
	 */
	public record RegistryStatus(boolean reachable, Instant since, @Nullable String error) {

		static RegistryStatus reachable(Instant since) {
			return new RegistryStatus(true, since, null);
		}

		static RegistryStatus unreachable(Instant since, Throwable error) {
			return new RegistryStatus(false, since, error.getClass().getSimpleName() + ": " + error.getMessage());
		}

	}

}
