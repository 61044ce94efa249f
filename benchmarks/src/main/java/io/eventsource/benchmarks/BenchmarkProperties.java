package io.eventsource.benchmarks;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Options of the benchmark, under {@code bench.*}. The defaults make a whole run take
 * about two minutes on a small machine.
 */
@ConfigurationProperties("bench")
public class BenchmarkProperties {

	/**
	 * Events of one measured run of the bare client's publishing and of the outbox relay.
	 */
	private int events = 15_000;

	/**
	 * The fixed aggregates the steady-state runs publish to, declared once before
	 * measuring.
	 */
	private int aggregates = 200;

	/**
	 * Threads that publish through EventPublisher, each in transactions of its own.
	 */
	private int threads = 4;

	/**
	 * Events per transaction of the steady-state runs; one row of the table each.
	 */
	private List<Integer> eventsPerTransaction = List.of(1, 10);

	/**
	 * New aggregates of one measured run of the per-aggregate topology.
	 */
	private int newAggregates = 600;

	/**
	 * Events per transaction when each event creates a new aggregate.
	 */
	private int newAggregateEventsPerTransaction = 1;

	/**
	 * How often each pair of runs (bare client, eventsource) is repeated; the table shows
	 * medians.
	 */
	private int rounds = 3;

	/**
	 * Events of the warm-up of each side before the first round. Enough for the JIT
	 * compiler to settle: with 2,000 its threads still took 0.4 of a core during the
	 * first measured round.
	 */
	private int warmupEvents = 10_000;

	/**
	 * New aggregates of the warm-up of each side before the first round.
	 */
	private int warmupNewAggregates = 200;

	/**
	 * Size of each event's JSON payload in bytes.
	 */
	private int payloadBytes = 300;

	/**
	 * Most messages the bare client leaves unconfirmed while it goes on publishing
	 * (asynchronous confirms).
	 */
	private int confirmWindow = 5_000;

	/**
	 * Whether to measure, once more after the rounds, the publishing transactions with
	 * the relay stopped and then the relay alone draining what they committed.
	 */
	private boolean breakdown;

	/**
	 * Longest wait for one run; a run that takes longer fails the benchmark.
	 */
	private Duration runTimeout = Duration.ofMinutes(2);

	/**
	 * Whether to measure end to end too: (d) publish and consume, bare client against
	 * eventsource with a handler in this process, and (e) eventsource's latency from
	 * publish to the handler's commit at paced rates.
	 */
	private boolean endToEnd = true;

	/**
	 * Events of one measured end-to-end run of each side: enough for several seconds at
	 * 10 per transaction, so that the start of the run (per-aggregate consumers started
	 * again after their idle timeout, the listener behind a burst of publishing) does not
	 * make the rate.
	 */
	private int endToEndEvents = 20_000;

	/**
	 * The paced rate of the first latency measure, in events per second; the second is
	 * paced at half the end-to-end rate measured at 1 event per transaction.
	 */
	private int latencyRate = 500;

	/**
	 * Whether the bare client's queues ((a) and (d)) are quorum queues: set it when the
	 * partitioned rows run on quorum partitions
	 * ({@code eventsource.partitioned.queue-type=quorum}, on a cluster), so that both
	 * sides of (f) and (g) pay for replication; (b) and (d) then compare eventsource's
	 * classic per-aggregate queues with the bare client's quorum ones.
	 */
	private boolean bareQuorumQueues;

	/**
	 * How long each latency measure publishes.
	 */
	private Duration latencyDuration = Duration.ofSeconds(10);

	/**
	 * How long each latency measure first publishes at its rate without recording, so
	 * that it measures the steady state: the per-aggregate consumers already running and
	 * the code paths of paced publishing compiled.
	 */
	private Duration latencyWarmup = Duration.ofSeconds(2);

	/**
	 * Whether to vacuum the library's tables before each pair of runs and each latency
	 * measure, on PostgreSQL, so that each starts from the state autovacuum keeps (this
	 * machine's PostgreSQL runs without it).
	 */
	private boolean vacuum = true;

	/**
	 * Whether (e) also measures, before each of eventsource's latency measures and at its
	 * rate, a hand-written outbox + inbox pipeline (the plain client and JDBC, one event
	 * per transaction on each side; PostgreSQL only): the latency the machine allows the
	 * same work at that hour.
	 */
	private boolean referenceLatency = true;

	/**
	 * Whether each round also measures the hand-written outbox + inbox pipeline's
	 * throughput (PostgreSQL only): after each (b) pair its publishing transactions
	 * alone, after each (d) pair the whole pipeline, compared with the bare client's run
	 * of that pair; the ratios the machine allows that work at that hour.
	 */
	private boolean referenceThroughput = true;

	/**
	 * Key spaces of the partitioned rows (g): the events of a run are drawn at random
	 * from this many aggregates.
	 */
	private List<Integer> keySpaces = List.of(1_000, 100_000, 1_000_000);

	/**
	 * Events of one run of the partitioned key-space rows (g).
	 */
	private int keySpaceEvents = 10_000;

	/**
	 * Events per publishing transaction of the partitioned key-space rows (g).
	 */
	private int keySpaceEventsPerTransaction = 10;

	public List<Integer> getKeySpaces() {
		return this.keySpaces;
	}

	public void setKeySpaces(List<Integer> keySpaces) {
		this.keySpaces = keySpaces;
	}

	public int getKeySpaceEvents() {
		return this.keySpaceEvents;
	}

	public void setKeySpaceEvents(int keySpaceEvents) {
		this.keySpaceEvents = keySpaceEvents;
	}

	public int getKeySpaceEventsPerTransaction() {
		return this.keySpaceEventsPerTransaction;
	}

	public void setKeySpaceEventsPerTransaction(int keySpaceEventsPerTransaction) {
		this.keySpaceEventsPerTransaction = keySpaceEventsPerTransaction;
	}

	public int getEvents() {
		return this.events;
	}

	public void setEvents(int events) {
		this.events = events;
	}

	public int getAggregates() {
		return this.aggregates;
	}

	public void setAggregates(int aggregates) {
		this.aggregates = aggregates;
	}

	public int getThreads() {
		return this.threads;
	}

	public void setThreads(int threads) {
		this.threads = threads;
	}

	public List<Integer> getEventsPerTransaction() {
		return this.eventsPerTransaction;
	}

	public void setEventsPerTransaction(List<Integer> eventsPerTransaction) {
		this.eventsPerTransaction = eventsPerTransaction;
	}

	public int getNewAggregates() {
		return this.newAggregates;
	}

	public void setNewAggregates(int newAggregates) {
		this.newAggregates = newAggregates;
	}

	public int getNewAggregateEventsPerTransaction() {
		return this.newAggregateEventsPerTransaction;
	}

	public void setNewAggregateEventsPerTransaction(int newAggregateEventsPerTransaction) {
		this.newAggregateEventsPerTransaction = newAggregateEventsPerTransaction;
	}

	public int getRounds() {
		return this.rounds;
	}

	public void setRounds(int rounds) {
		this.rounds = rounds;
	}

	public int getWarmupEvents() {
		return this.warmupEvents;
	}

	public void setWarmupEvents(int warmupEvents) {
		this.warmupEvents = warmupEvents;
	}

	public int getWarmupNewAggregates() {
		return this.warmupNewAggregates;
	}

	public void setWarmupNewAggregates(int warmupNewAggregates) {
		this.warmupNewAggregates = warmupNewAggregates;
	}

	public int getPayloadBytes() {
		return this.payloadBytes;
	}

	public void setPayloadBytes(int payloadBytes) {
		this.payloadBytes = payloadBytes;
	}

	public int getConfirmWindow() {
		return this.confirmWindow;
	}

	public void setConfirmWindow(int confirmWindow) {
		this.confirmWindow = confirmWindow;
	}

	public boolean isBreakdown() {
		return this.breakdown;
	}

	public void setBreakdown(boolean breakdown) {
		this.breakdown = breakdown;
	}

	public Duration getRunTimeout() {
		return this.runTimeout;
	}

	public void setRunTimeout(Duration runTimeout) {
		this.runTimeout = runTimeout;
	}

	public boolean isEndToEnd() {
		return this.endToEnd;
	}

	public void setEndToEnd(boolean endToEnd) {
		this.endToEnd = endToEnd;
	}

	public int getEndToEndEvents() {
		return this.endToEndEvents;
	}

	public void setEndToEndEvents(int endToEndEvents) {
		this.endToEndEvents = endToEndEvents;
	}

	public int getLatencyRate() {
		return this.latencyRate;
	}

	public void setLatencyRate(int latencyRate) {
		this.latencyRate = latencyRate;
	}

	public boolean isBareQuorumQueues() {
		return this.bareQuorumQueues;
	}

	public void setBareQuorumQueues(boolean bareQuorumQueues) {
		this.bareQuorumQueues = bareQuorumQueues;
	}

	public Duration getLatencyDuration() {
		return this.latencyDuration;
	}

	public void setLatencyDuration(Duration latencyDuration) {
		this.latencyDuration = latencyDuration;
	}

	public Duration getLatencyWarmup() {
		return this.latencyWarmup;
	}

	public void setLatencyWarmup(Duration latencyWarmup) {
		this.latencyWarmup = latencyWarmup;
	}

	public boolean isVacuum() {
		return this.vacuum;
	}

	public void setVacuum(boolean vacuum) {
		this.vacuum = vacuum;
	}

	public boolean isReferenceLatency() {
		return this.referenceLatency;
	}

	public void setReferenceLatency(boolean referenceLatency) {
		this.referenceLatency = referenceLatency;
	}

	public boolean isReferenceThroughput() {
		return this.referenceThroughput;
	}

	public void setReferenceThroughput(boolean referenceThroughput) {
		this.referenceThroughput = referenceThroughput;
	}

}
