package io.eventsource.registry.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.eventsource.registry.RegistryStatus;
import io.eventsource.registry.RegistryUnavailableException;
import io.eventsource.registry.ServiceRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reads the live services of another {@link ServiceRegistry} through a short cache. An
 * entry past its time to live is answered at once and refreshed in the background, so
 * that a busy relay never waits on the registry; an entry older than twice its time to
 * live (the relay was idle) is read again before it is answered, unless the registry is
 * known to be down. Every call to the registry is given a timeout (the Redis client's own
 * is a minute), after which the registry counts as unreachable. While the registry cannot
 * be reached it answers with the last set it read, logs the outage once, and reports it
 * through {@link #status()}; with nothing read yet it throws, so that no event is sent to
 * fewer services than are live: at once while the registry is known to be down, or for a
 * read timeout after the first read of that aggregate type failed, reading it again in
 * the background meanwhile. A service it saw live stays live for one registry expiry
 * after it was last seen, counted from the end of an outage for the services known before
 * it (see {@link KnownServices}), so that the heartbeats Redis lost in an outage or a
 * restart never make the relay send events to fewer services than are live.
 */
public class CachingServiceRegistry implements ServiceRegistry, AutoCloseable {

	private static final Log logger = LogFactory.getLog(CachingServiceRegistry.class);

	private static final int CALL_THREADS = 4;

	private static final int WAITING_CALLS = 16;

	private final ServiceRegistry delegate;

	private final Duration ttl;

	private final Duration timeout;

	private final Duration slowTimeout;

	private final Clock clock;

	private final KnownServices known;

	private final Map<String, Entry> cache = new ConcurrentHashMap<>();

	private final AtomicReference<RegistryStatus> status;

	private final Map<String, Instant> failedFirstReads = new ConcurrentHashMap<>();

	private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

	private final ExecutorService refresher = Executors.newSingleThreadExecutor(daemon("eventsource-registry-refresh"));

	/**
	 * Runs each call to the registry, so that its caller waits no longer than the call's
	 * timeout. Few calls run at once: each listening container heartbeats one at a time,
	 * background reads go one at a time through the refresher, and the relay reads on its
	 * one thread. A call that times out is cancelled (interrupted, or taken out of the
	 * queue). A client that ignores the interrupt keeps its thread until its own timeout:
	 * with every thread held so and the queue full, a call is refused at once and counts
	 * as the registry not answering, instead of a new thread per call piling up.
	 */
	private final ThreadPoolExecutor calls = new ThreadPoolExecutor(CALL_THREADS, CALL_THREADS, 30, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>(WAITING_CALLS), daemon("eventsource-registry-call"));

	/**
	 * Creates the cache.
	 * @param delegate the registry read and written through it
	 * @param ttl how long an answer is used without reading the registry again
	 * @param timeout how long a read of the registry may take, when an earlier answer can
	 * stand in, before it counts as unreachable
	 * @param slowTimeout how long a heartbeat, or a read with no earlier answer to stand
	 * in while the registry is not known to be down, may take: a heartbeat is on no
	 * event's way, and the first call of a process also connects to Redis
	 * @param expiry the registry's expiry: how long a service seen live stays live
	 * without showing in its answers
	 * @param clock the clock
	 */
	public CachingServiceRegistry(ServiceRegistry delegate, Duration ttl, Duration timeout, Duration slowTimeout,
			Duration expiry, Clock clock) {
		this.delegate = delegate;
		this.ttl = ttl;
		this.timeout = timeout;
		this.slowTimeout = slowTimeout;
		this.clock = clock;
		this.known = new KnownServices(expiry);
		this.status = new AtomicReference<>(RegistryStatus.reachable(clock.instant()));
		this.calls.allowCoreThreadTimeOut(true);
	}

	private static ThreadFactory daemon(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	@Override
	public Set<String> liveServices(String aggregateType) {
		Entry entry = this.cache.get(aggregateType);
		if (entry == null) {
			return firstRead(aggregateType);
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
			return read(aggregateType, this.timeout);
		}
		catch (RuntimeException ex) {
			return entry.services();
		}
	}

	/**
	 * Reads the services of an aggregate type nothing is known of yet. The relay asks
	 * once per aggregate: while the registry is down, or soon after this type's read
	 * failed, it is told so at once rather than waiting once per aggregate of its pass,
	 * and one read in the background finds when the registry answers again.
	 */
	private Set<String> firstRead(String aggregateType) {
		Instant failedAt = this.failedFirstReads.get(aggregateType);
		boolean failedRecently = failedAt != null && failedAt.plus(this.timeout).isAfter(this.clock.instant());
		if (failedRecently || !this.status.get().reachable()) {
			if (this.refreshing.add(aggregateType)) {
				refreshInBackground(aggregateType);
			}
			throw new RegistryUnavailableException("The service registry cannot be reached and no earlier answer is "
					+ "known for '" + aggregateType + "'; reading it in the background");
		}
		try {
			// nothing to fall back on: worth the longer wait of a first call, which may
			// also connect
			return read(aggregateType, this.slowTimeout);
		}
		catch (RuntimeException ex) {
			this.failedFirstReads.put(aggregateType, this.clock.instant());
			throw new RegistryUnavailableException(
					"The service registry cannot be read and no earlier answer is known for '" + aggregateType + "'",
					ex);
		}
	}

	private void refreshInBackground(String aggregateType) {
		try {
			this.refresher.execute(() -> {
				try {
					read(aggregateType, this.timeout);
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

	private Set<String> read(String aggregateType, Duration timeout) {
		Instant now = this.clock.instant();
		try {
			Set<String> answer = Set.copyOf(bounded(() -> this.delegate.liveServices(aggregateType), timeout));
			reachable(now);
			Set<String> services = this.known.live(aggregateType, answer, now);
			this.cache.put(aggregateType, new Entry(services, now));
			this.failedFirstReads.remove(aggregateType);
			return services;
		}
		catch (RuntimeException ex) {
			unreachable(now, ex);
			throw ex;
		}
	}

	/**
	 * Calls the registry on a thread of its own and waits at most the timeout: the Redis
	 * client keeps a command while it reconnects, up to its own timeout of a minute.
	 */
	private <T> T bounded(Callable<T> call, Duration timeout) {
		Future<T> answer;
		try {
			answer = this.calls.submit(call);
		}
		catch (RejectedExecutionException ex) {
			throw new RegistryUnavailableException(this.calls.isShutdown() ? "The service registry is closed"
					: "The service registry has not answered " + (CALL_THREADS + WAITING_CALLS) + " calls", ex);
		}
		try {
			return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			answer.cancel(true);
			if (answer instanceof Runnable waiting) {
				this.calls.remove(waiting);
			}
			throw new RegistryUnavailableException("The service registry did not answer within " + timeout, ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new RegistryUnavailableException("The service registry failed", ex.getCause());
		}
		catch (InterruptedException ex) {
			answer.cancel(true);
			Thread.currentThread().interrupt();
			throw new RegistryUnavailableException("Interrupted while calling the service registry", ex);
		}
	}

	@Override
	public void heartbeat(String service, Collection<String> aggregateTypes) {
		Instant now = this.clock.instant();
		try {
			bounded(() -> {
				this.delegate.heartbeat(service, aggregateTypes);
				return null;
			}, this.slowTimeout);
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
		this.calls.shutdownNow();
	}

	@Override
	public RegistryStatus status() {
		return this.status.get();
	}

	private void reachable(Instant now) {
		RegistryStatus previous = this.status.get();
		if (!previous.reachable()) {
			this.status.set(RegistryStatus.reachable(now));
			this.known.registryRecovered(now);
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

}
