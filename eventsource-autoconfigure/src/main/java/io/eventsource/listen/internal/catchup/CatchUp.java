package io.eventsource.listen.internal.catchup;

import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.listen.internal.lane.DaemonThreads;
import io.eventsource.replay.internal.ReplayRequester;
import io.eventsource.store.internal.ConsumerStateRepository;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Catches up from the producers' logs: for each aggregate type this service listens to,
 * asks every producer for the events after this service's cursor in its log (kept in
 * {@code message_consumer_state} as {@code {service}/{type}/{producer}}), applies each
 * page through the inbox in the producer's order (sequence order per aggregate), and only
 * then saves the producer's new cursor and asks for the next page. A crash before the
 * save repeats the page; the inbox takes what was applied as duplicates.
 * <p>
 * Runs after startup (then once more after the producers' horizon, since a catch-up
 * answer stops that far behind now), every {@link CatchUpSettings#interval() interval}
 * while the service runs (so that events lost at the end of an aggregate's stream arrive
 * without a later event to reveal them), and on demand. Events applied live meanwhile are
 * duplicates for the catch-up, and the other way round. A page whose events cannot all be
 * applied yet (a handler failing, or a gap before one) ends the run without saving the
 * cursor; the run is tried again after the retry delay.
 * <p>
 * This class schedules the runs and their retries; an {@link AggregateTypeCatchUp} runs
 * each aggregate type's.
 */
public class CatchUp implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(CatchUp.class);

	/** The most catch-ups that wait for a producer to answer at one time. */
	private static final int MAX_AWAITED = 64;

	private final EventHandlers handlers;

	private final CatchUpSettings settings;

	private final AggregateTypeCatchUp typeCatchUp;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	/**
	 * A run that could not complete is tried again once, not once per run that failed.
	 */
	private final AtomicBoolean retryPending = new AtomicBoolean();

	/** The catch-ups asked for until a producer answers. */
	private final Set<Awaited> awaited = ConcurrentHashMap.newKeySet();

	public CatchUp(ConnectionFactory connectionFactory, EventHandlers handlers, EventDispatcher dispatcher,
			ConsumerStateRepository state, ReplayRequester requester, CatchUpSettings settings, Clock clock) {
		this.handlers = handlers;
		this.settings = settings;
		this.typeCatchUp = new AggregateTypeCatchUp(connectionFactory, state, requester, settings, clock,
				new CatchUpPageApplier(dispatcher, settings), this::isRunning);
	}

	@Override
	public void start() {
		if (this.running || this.handlers.aggregateTypes().isEmpty()) {
			return;
		}
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(DaemonThreads.named("eventsource-catch-up-"));
		this.scheduler = scheduler;
		this.running = true;
		if (this.settings.onStart()) {
			scheduler.execute(this::runAll);
			scheduler.schedule(this::runAll, this.settings.horizon().plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
		}
		long interval = this.settings.interval().toMillis();
		if (interval > 0) {
			scheduler.scheduleWithFixedDelay(this::runAll, interval, interval, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.shutdownNow();
			try {
				scheduler.awaitTermination(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Starts a catch-up of every aggregate type this service listens to, in the
	 * background.
	 * @return whether it was started (not when the service does not listen)
	 */
	public boolean catchUpNow() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (!this.running || scheduler == null) {
			return false;
		}
		try {
			scheduler.execute(this::runAll);
		}
		catch (RejectedExecutionException ex) {
			// stopped between the check and the call: the endpoint answers "not started"
			return false;
		}
		return true;
	}

	/**
	 * Starts a catch-up of every aggregate type now and once more after the producers'
	 * horizon, as after startup: this instance could not heartbeat for a while, so a
	 * relay may have counted its service gone and sent its events to nobody.
	 * @return whether it was started (not when the service does not listen)
	 */
	public boolean catchUpAfterOutage() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (!this.running || scheduler == null) {
			return false;
		}
		try {
			scheduler.execute(this::runAll);
			scheduler.schedule(this::runAll, this.settings.horizon().plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
		logger.info("Catching up from the producers' logs after the registry outage");
		return true;
	}

	/**
	 * Starts a catch-up of one aggregate type in the background, and runs it again after
	 * the retry delay until a given producer has answered, for at most one
	 * {@linkplain CatchUpSettings#interval() interval} (the periodic catch-up covers the
	 * time after): gap repair gave up an event of that producer because no producer
	 * answered its requests, and were the event real, it is in that producer's log, from
	 * where this brings it as soon as the producer answers again.
	 * @param aggregateType the aggregate type
	 * @param producer the producing service to wait for
	 * @return whether it was started (not when the service does not listen to the type,
	 * nor when such a catch-up is already under way)
	 */
	public boolean catchUpUntilAnswered(String aggregateType, String producer) {
		ScheduledExecutorService scheduler = this.scheduler;
		Awaited key = new Awaited(aggregateType, producer);
		if (!this.running || scheduler == null || !this.handlers.aggregateTypes().contains(aggregateType)
				|| this.awaited.size() >= MAX_AWAITED || !this.awaited.add(key)) {
			return false;
		}
		long deadline = System.nanoTime() + this.settings.interval().toNanos();
		try {
			scheduler.execute(() -> untilAnswered(key, deadline));
		}
		catch (RejectedExecutionException ex) {
			this.awaited.remove(key);
			return false;
		}
		logger.info("Catching up " + aggregateType + " from the producers' logs until "
				+ UntrustedText.abbreviate(producer) + " answers");
		return true;
	}

	private void untilAnswered(Awaited key, long deadline) {
		boolean answered = false;
		try {
			Set<String> producers = new HashSet<>();
			answered = this.typeCatchUp.run(key.aggregateType(), producers) && producers.contains(key.producer());
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not catch up " + key.aggregateType() + " from the producers' logs: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		ScheduledExecutorService scheduler = this.scheduler;
		if (answered || !this.running || scheduler == null || System.nanoTime() - deadline >= 0) {
			this.awaited.remove(key);
			return;
		}
		try {
			scheduler.schedule(() -> untilAnswered(key, deadline), this.settings.retryDelay().toMillis(),
					TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.awaited.remove(key);
		}
	}

	private void runAll() {
		for (String aggregateType : this.handlers.aggregateTypes()) {
			if (!this.running) {
				return;
			}
			boolean complete;
			try {
				complete = this.typeCatchUp.run(aggregateType, new HashSet<>());
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Could not catch up " + aggregateType + " from the producers' logs: " + ex);
				complete = false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (!complete && this.running && this.scheduler != null) {
				if (this.retryPending.compareAndSet(false, true)) {
					this.scheduler.schedule(() -> {
						this.retryPending.set(false);
						runAll();
					}, this.settings.retryDelay().toMillis(), TimeUnit.MILLISECONDS);
				}
				return;
			}
		}
	}

	private record Awaited(String aggregateType, String producer) {
	}

}
