package io.eventsource.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.eventsource.topology.PartitionQueueType;
import io.eventsource.topology.TopologyType;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of eventsource.
 */
@ConfigurationProperties("eventsource")
public class EventSourceProperties {

	/**
	 * Whether eventsource is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Name of this service: the source of the events it publishes and the name of its
	 * queues. Defaults to spring.application.name; one of the two must be set.
	 */
	private @Nullable String serviceName;

	/**
	 * Whether eventsource keeps the JVM alive (with one non-daemon thread) while the
	 * application context runs, so that a service without a web server outlives an outage
	 * of RabbitMQ, which ends the threads of its connections.
	 */
	private boolean keepAlive = true;

	/**
	 * Topology that carries events through RabbitMQ, for the aggregate types without one
	 * of their own. A producer and every service listening to an aggregate type must use
	 * the same topology for it.
	 */
	private TopologyType topology = TopologyType.PER_AGGREGATE;

	/**
	 * Settings per aggregate type, by aggregate type name.
	 */
	private final Map<String, AggregateType> aggregateTypes = new LinkedHashMap<>();

	private final Schema schema = new Schema();

	private final Relay relay = new Relay();

	private final PerAggregate perAggregate = new PerAggregate();

	private final Partitioned partitioned = new Partitioned();

	private final Replay replay = new Replay();

	private final Listener listener = new Listener();

	private final Registry registry = new Registry();

	private final Health health = new Health();

	private final Processes processes = new Processes();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getServiceName() {
		return this.serviceName;
	}

	public void setServiceName(@Nullable String serviceName) {
		this.serviceName = serviceName;
	}

	public boolean isKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(boolean keepAlive) {
		this.keepAlive = keepAlive;
	}

	public TopologyType getTopology() {
		return this.topology;
	}

	public void setTopology(TopologyType topology) {
		this.topology = topology;
	}

	public Map<String, AggregateType> getAggregateTypes() {
		return this.aggregateTypes;
	}

	public Schema getSchema() {
		return this.schema;
	}

	public Relay getRelay() {
		return this.relay;
	}

	public PerAggregate getPerAggregate() {
		return this.perAggregate;
	}

	public Partitioned getPartitioned() {
		return this.partitioned;
	}

	public Replay getReplay() {
		return this.replay;
	}

	public Listener getListener() {
		return this.listener;
	}

	public Registry getRegistry() {
		return this.registry;
	}

	public Health getHealth() {
		return this.health;
	}

	public Processes getProcesses() {
		return this.processes;
	}

	/**
	 * Settings of one aggregate type.
	 */
	public static class AggregateType {

		/**
		 * Topology of this aggregate type, instead of eventsource.topology.
		 */
		private @Nullable TopologyType topology;

		/**
		 * Partition queues of this service for this aggregate type on the partitioned
		 * topology, instead of eventsource.partitioned.partitions.
		 */
		private @Nullable Integer partitions;

		public @Nullable TopologyType getTopology() {
			return this.topology;
		}

		public void setTopology(@Nullable TopologyType topology) {
			this.topology = topology;
		}

		public @Nullable Integer getPartitions() {
			return this.partitions;
		}

		public void setPartitions(@Nullable Integer partitions) {
			this.partitions = partitions;
		}

	}

	public static class Schema {

		/**
		 * Whether eventsource migrates its own tables with its own Flyway (history table
		 * eventsource_schema_history). Switch off to run the shipped SQL yourself.
		 */
		private boolean migrate = true;

		public boolean isMigrate() {
			return this.migrate;
		}

		public void setMigrate(boolean migrate) {
			this.migrate = migrate;
		}

	}

	public static class Relay {

		/**
		 * Whether this instance relays the outbox to the broker.
		 */
		private boolean enabled = true;

		/**
		 * How often the relay looks for rows left behind (a crash, the broker down).
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * Most rows the relay reads and publishes as one page.
		 */
		private int batchSize = 500;

		/**
		 * Longest wait for the broker's publisher confirms of one page.
		 */
		private Duration confirmTimeout = Duration.ofSeconds(10);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getConfirmTimeout() {
			return this.confirmTimeout;
		}

		public void setConfirmTimeout(Duration confirmTimeout) {
			this.confirmTimeout = confirmTimeout;
		}

	}

	public static class PerAggregate {

		/**
		 * How long a per-aggregate queue lives without a consumer (x-expires).
		 */
		private Duration queueExpiry = Duration.ofSeconds(30);

		/**
		 * How long a service's aggregate ids queue lives without a consumer (x-expires),
		 * so that the queue of a service that went away is deleted; longer than any
		 * outage. At most 24 days.
		 */
		private Duration idsQueueExpiry = Duration.ofDays(7);

		/**
		 * Most announcements ready in a service's aggregate ids queue (x-max-length);
		 * past it the oldest are dropped and catch-up brings their events. 0 for no
		 * limit.
		 */
		private int idsQueueMaxLength = 100_000;

		/**
		 * How long the relay trusts a declaration before declaring again; must be shorter
		 * than the queue expiry. A declaration made less than halfway from then to the
		 * queue expiry is renewed without waiting for the broker's reply.
		 */
		private Duration declarationCacheTtl = Duration.ofSeconds(10);

		/**
		 * How long a per-aggregate consumer may receive nothing before it is cancelled.
		 */
		private Duration consumerIdleTimeout = Duration.ofSeconds(5);

		/**
		 * Least time between two announcements of one aggregate id by the relay; must be
		 * shorter than the consumer idle timeout of every listening service.
		 */
		private Duration announceInterval = Duration.ofSeconds(1);

		public Duration getQueueExpiry() {
			return this.queueExpiry;
		}

		public void setQueueExpiry(Duration queueExpiry) {
			this.queueExpiry = queueExpiry;
		}

		public Duration getIdsQueueExpiry() {
			return this.idsQueueExpiry;
		}

		public void setIdsQueueExpiry(Duration idsQueueExpiry) {
			this.idsQueueExpiry = idsQueueExpiry;
		}

		public int getIdsQueueMaxLength() {
			return this.idsQueueMaxLength;
		}

		public void setIdsQueueMaxLength(int idsQueueMaxLength) {
			this.idsQueueMaxLength = idsQueueMaxLength;
		}

		public Duration getDeclarationCacheTtl() {
			return this.declarationCacheTtl;
		}

		public void setDeclarationCacheTtl(Duration declarationCacheTtl) {
			this.declarationCacheTtl = declarationCacheTtl;
		}

		public Duration getAnnounceInterval() {
			return this.announceInterval;
		}

		public void setAnnounceInterval(Duration announceInterval) {
			this.announceInterval = announceInterval;
		}

		public Duration getConsumerIdleTimeout() {
			return this.consumerIdleTimeout;
		}

		public void setConsumerIdleTimeout(Duration consumerIdleTimeout) {
			this.consumerIdleTimeout = consumerIdleTimeout;
		}

	}

	public static class Replay {

		/**
		 * Whether this service answers replay requests from its log and asks the
		 * producers for the events missing before a gap.
		 */
		private boolean enabled = true;

		/**
		 * How long an aggregate waits for missing events before they are asked for (and
		 * again each time this passes while they are missing).
		 */
		private Duration gapTimeout = Duration.ofSeconds(5);

		/**
		 * Requests for the missing events of an aggregate, one per gap-timeout, all sent
		 * after an event that waits behind them arrived and none answered with the end of
		 * a producer's log, after which that event is parked under "(malformed)" as one
		 * no producer answers for and a catch-up of its aggregate type is asked for until
		 * its producer answers. Only while the periodic catch-up runs (catch-up-interval
		 * above 0), which brings a real event parked this way back from its producer's
		 * log; the default, 360, outlasts a producer down for about 30 minutes (a long
		 * deploy). An event a producer's log shows it does not hold is parked after the
		 * first answer.
		 */
		private int maxUnansweredRequests = 360;

		/**
		 * Most events sent for one replay request.
		 */
		private int maxEvents = 1000;

		/**
		 * Whether this service catches up from the producers' logs after startup.
		 */
		private boolean catchUpOnStart = true;

		/**
		 * Where a service's history starts when it is deployed: every producer's first
		 * event, or now (events published before its first start are acknowledged as
		 * ignored, also those gap repair brings).
		 */
		private CatchUpStart catchUpFrom = CatchUpStart.BEGINNING;

		/**
		 * How far behind now a producer's catch-up answer stops: longer than its relay
		 * takes from reading an event to committing its mark (the confirm timeout plus
		 * the relay's longest pass, 2 s, plus a margin).
		 */
		private Duration catchUpHorizon = Duration.ofSeconds(30);

		/**
		 * How often a running service catches up from the producers' logs, so that events
		 * lost at the end of an aggregate's stream arrive without a later event; 0 for
		 * only after startup and on demand.
		 */
		private Duration catchUpInterval = Duration.ofMinutes(5);

		public Duration getCatchUpInterval() {
			return this.catchUpInterval;
		}

		public void setCatchUpInterval(Duration catchUpInterval) {
			this.catchUpInterval = catchUpInterval;
		}

		public boolean isCatchUpOnStart() {
			return this.catchUpOnStart;
		}

		public void setCatchUpOnStart(boolean catchUpOnStart) {
			this.catchUpOnStart = catchUpOnStart;
		}

		public CatchUpStart getCatchUpFrom() {
			return this.catchUpFrom;
		}

		public void setCatchUpFrom(CatchUpStart catchUpFrom) {
			this.catchUpFrom = catchUpFrom;
		}

		public Duration getCatchUpHorizon() {
			return this.catchUpHorizon;
		}

		public void setCatchUpHorizon(Duration catchUpHorizon) {
			this.catchUpHorizon = catchUpHorizon;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getGapTimeout() {
			return this.gapTimeout;
		}

		public void setGapTimeout(Duration gapTimeout) {
			this.gapTimeout = gapTimeout;
		}

		public int getMaxUnansweredRequests() {
			return this.maxUnansweredRequests;
		}

		public void setMaxUnansweredRequests(int maxUnansweredRequests) {
			this.maxUnansweredRequests = maxUnansweredRequests;
		}

		public int getMaxEvents() {
			return this.maxEvents;
		}

		public void setMaxEvents(int maxEvents) {
			this.maxEvents = maxEvents;
		}

	}

	/**
	 * Where catch-up starts in a producer's log a service has no cursor in yet.
	 */
	public enum CatchUpStart {

		/**
		 * From the producer's first event of the aggregate type.
		 */
		BEGINNING,

		/**
		 * From now: earlier events are not sent in bulk.
		 */
		NOW

	}

	public static class Partitioned {

		/**
		 * Partition queues of this service per aggregate type (1 to 256). Changing it is
		 * an operation: restart the instances with the new number; buckets are rebound
		 * before they are unbound and surplus queues are drained, then deleted.
		 */
		private int partitions = 8;

		/**
		 * Kind of partition queue; quorum queues survive the loss of a node of a RabbitMQ
		 * cluster. Changing it needs the queues deleted first.
		 */
		private PartitionQueueType queueType = PartitionQueueType.CLASSIC;

		/**
		 * Unacknowledged deliveries per partition queue: the events of a partition in
		 * progress or held back behind one that is retried.
		 */
		private int prefetch = 250;

		/**
		 * How often an instance compares the partitions it is the active consumer of with
		 * its fair share among the instances of its service, and hands the surplus over.
		 */
		private Duration rebalanceInterval = Duration.ofSeconds(10);

		public Duration getRebalanceInterval() {
			return this.rebalanceInterval;
		}

		public void setRebalanceInterval(Duration rebalanceInterval) {
			this.rebalanceInterval = rebalanceInterval;
		}

		public int getPartitions() {
			return this.partitions;
		}

		public void setPartitions(int partitions) {
			this.partitions = partitions;
		}

		public PartitionQueueType getQueueType() {
			return this.queueType;
		}

		public void setQueueType(PartitionQueueType queueType) {
			this.queueType = queueType;
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

	}

	public static class Listener {

		/**
		 * Whether this instance consumes the aggregate types its @EventSourceListener
		 * methods bind to.
		 */
		private boolean enabled = true;

		/**
		 * Most per-aggregate queues this instance consumes at once; further aggregate ids
		 * wait.
		 */
		private int maxAggregates = 256;

		/**
		 * Unacknowledged deliveries per aggregate queue.
		 */
		private int prefetch = 20;

		/**
		 * Worker threads applying events; events of one aggregate are applied one at a
		 * time.
		 */
		private int concurrency = 8;

		/**
		 * Most events applied in one database transaction. Events of several aggregates
		 * that are ready at once share a transaction, in order per aggregate; when a
		 * handler fails, the transaction rolls back and its events are applied one
		 * transaction each. 1 gives every event a transaction of its own.
		 */
		private int maxBatch = 50;

		/**
		 * Wait before an event that cannot be applied yet (an earlier event of its
		 * aggregate is missing, or its batch failed as a whole) is delivered to the
		 * handlers again, and before a catch-up page that could not be applied is read
		 * again. Not the retry of a failing handler: see retry.initial-delay.
		 */
		private Duration redeliveryDelay = Duration.ofSeconds(1);

		/**
		 * Longest wait on shutdown for the events in progress.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * Largest event payload applied; a larger one is parked at once.
		 */
		private DataSize maxPayloadSize = DataSize.ofMegabytes(1);

		private final Retry retry = new Retry();

		private final Malformed malformed = new Malformed();

		public Retry getRetry() {
			return this.retry;
		}

		public Malformed getMalformed() {
			return this.malformed;
		}

		public DataSize getMaxPayloadSize() {
			return this.maxPayloadSize;
		}

		public void setMaxPayloadSize(DataSize maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxAggregates() {
			return this.maxAggregates;
		}

		public void setMaxAggregates(int maxAggregates) {
			this.maxAggregates = maxAggregates;
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getMaxBatch() {
			return this.maxBatch;
		}

		public void setMaxBatch(int maxBatch) {
			this.maxBatch = maxBatch;
		}

		public Duration getRedeliveryDelay() {
			return this.redeliveryDelay;
		}

		public void setRedeliveryDelay(Duration redeliveryDelay) {
			this.redeliveryDelay = redeliveryDelay;
		}

		/**
		 * Returns the redelivery delay under its former name.
		 * @return the redelivery delay
		 * @deprecated since 0.1.0 for removal in 0.2.0 in favour of
		 * {@link #getRedeliveryDelay()}: next to retry.initial-delay, the name read as
		 * the retry of a failing handler
		 */
		@Deprecated(since = "0.1.0", forRemoval = true)
		@DeprecatedConfigurationProperty(replacement = "eventsource.listener.redelivery-delay", since = "0.1.0",
				reason = "Renamed: it is the wait before an event that cannot be applied yet is delivered again, "
						+ "not the retry of a failing handler")
		public Duration getRetryDelay() {
			return this.redeliveryDelay;
		}

		/**
		 * Sets the redelivery delay under its former name.
		 * @param retryDelay the redelivery delay
		 * @deprecated since 0.1.0 for removal in 0.2.0 in favour of
		 * {@link #setRedeliveryDelay(Duration)}
		 */
		@Deprecated(since = "0.1.0", forRemoval = true)
		public void setRetryDelay(Duration retryDelay) {
			this.redeliveryDelay = retryDelay;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		/**
		 * What is kept of the messages that are not eventsource events.
		 */
		public static class Malformed {

			/**
			 * Most messages that are not eventsource events this service keeps parked
			 * (under the projection "(malformed)", up to 1 MiB of body each); beyond,
			 * such a message is acknowledged and dropped, counted in
			 * eventsource.messages.dropped with reason "parking-full". 0 parks none.
			 */
			private long maxParked = 10_000;

			public long getMaxParked() {
				return this.maxParked;
			}

			public void setMaxParked(long maxParked) {
				this.maxParked = maxParked;
			}

		}

		/**
		 * How an event whose handler throws is retried before it is parked.
		 */
		public static class Retry {

			/**
			 * Wait before the second attempt.
			 */
			private Duration initialDelay = Duration.ofSeconds(1);

			/**
			 * Factor applied to the wait after each further failed attempt.
			 */
			private double multiplier = 2;

			/**
			 * Longest wait between two attempts.
			 */
			private Duration maxDelay = Duration.ofMinutes(1);

			/**
			 * Attempts of an event, the first included, before it is parked; later events
			 * of its aggregate are parked behind it until it is retried or skipped.
			 */
			private int maxAttempts = 5;

			/**
			 * Retry settings of the projections that differ from the ones above, by
			 * projection name: initial-delay, multiplier, max-delay, max-attempts (each
			 * unset one is taken from above).
			 */
			private Map<String, ProjectionRetry> projections = new LinkedHashMap<>();

			public Map<String, ProjectionRetry> getProjections() {
				return this.projections;
			}

			public void setProjections(Map<String, ProjectionRetry> projections) {
				this.projections = projections;
			}

			public Duration getInitialDelay() {
				return this.initialDelay;
			}

			public void setInitialDelay(Duration initialDelay) {
				this.initialDelay = initialDelay;
			}

			public double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxDelay() {
				return this.maxDelay;
			}

			public void setMaxDelay(Duration maxDelay) {
				this.maxDelay = maxDelay;
			}

			public int getMaxAttempts() {
				return this.maxAttempts;
			}

			public void setMaxAttempts(int maxAttempts) {
				this.maxAttempts = maxAttempts;
			}

		}

		public static class ProjectionRetry {

			/**
			 * Wait before the second attempt, for this projection.
			 */
			private @Nullable Duration initialDelay;

			/**
			 * Factor applied to the wait after each further failed attempt, for this
			 * projection.
			 */
			private @Nullable Double multiplier;

			/**
			 * Longest wait between two attempts, for this projection.
			 */
			private @Nullable Duration maxDelay;

			/**
			 * Attempts of an event before it is parked, for this projection.
			 */
			private @Nullable Integer maxAttempts;

			public @Nullable Duration getInitialDelay() {
				return this.initialDelay;
			}

			public void setInitialDelay(@Nullable Duration initialDelay) {
				this.initialDelay = initialDelay;
			}

			public @Nullable Double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(@Nullable Double multiplier) {
				this.multiplier = multiplier;
			}

			public @Nullable Duration getMaxDelay() {
				return this.maxDelay;
			}

			public void setMaxDelay(@Nullable Duration maxDelay) {
				this.maxDelay = maxDelay;
			}

			public @Nullable Integer getMaxAttempts() {
				return this.maxAttempts;
			}

			public void setMaxAttempts(@Nullable Integer maxAttempts) {
				this.maxAttempts = maxAttempts;
			}

		}

	}

	public static class Registry {

		/**
		 * Prefix of the registry's Redis keys.
		 */
		private String keyPrefix = "eventsource";

		/**
		 * How often each listening instance writes its heartbeat.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(10);

		/**
		 * Age of the last heartbeat past which a service no longer counts as live.
		 */
		private Duration expiry = Duration.ofSeconds(30);

		/**
		 * How long the relay keeps the live services of an aggregate type before reading
		 * them again.
		 */
		private Duration cacheTtl = Duration.ofSeconds(2);

		/**
		 * Longest wait for a read of the registry, when an earlier answer can stand in,
		 * before it counts as unreachable and the relay goes on with the last services it
		 * knows.
		 */
		private Duration timeout = Duration.ofSeconds(1);

		/**
		 * Longest wait for a heartbeat, or for a read with no earlier answer to stand in
		 * (the first call of a process also connects to Redis), before it counts as
		 * failed. While the registry is known to be down, such a read fails at once and
		 * is tried in the background.
		 */
		private Duration slowTimeout = Duration.ofSeconds(10);

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getExpiry() {
			return this.expiry;
		}

		public void setExpiry(Duration expiry) {
			this.expiry = expiry;
		}

		public Duration getCacheTtl() {
			return this.cacheTtl;
		}

		public void setCacheTtl(Duration cacheTtl) {
			this.cacheTtl = cacheTtl;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getSlowTimeout() {
			return this.slowTimeout;
		}

		public void setSlowTimeout(Duration slowTimeout) {
			this.slowTimeout = slowTimeout;
		}

	}

	public static class Health {

		/**
		 * Age of the oldest unrelayed event past which the health is DOWN.
		 */
		private Duration backlogAgeThreshold = Duration.ofMinutes(1);

		public Duration getBacklogAgeThreshold() {
			return this.backlogAgeThreshold;
		}

		public void setBacklogAgeThreshold(Duration backlogAgeThreshold) {
			this.backlogAgeThreshold = backlogAgeThreshold;
		}

	}

	public static class Processes {

		/**
		 * How often each instance looks for process timeouts that are due.
		 */
		private Duration timeoutPollInterval = Duration.ofSeconds(1);

		public Duration getTimeoutPollInterval() {
			return this.timeoutPollInterval;
		}

		public void setTimeoutPollInterval(Duration timeoutPollInterval) {
			this.timeoutPollInterval = timeoutPollInterval;
		}

	}

}
