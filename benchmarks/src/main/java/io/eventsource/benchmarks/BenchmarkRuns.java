package io.eventsource.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.eventsource.registry.ServiceRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The runs of one benchmark, on its own aggregate types: each run measures one side, then
 * (outside the measured time) checks what reached the broker, empties or deletes what it
 * filled, and logs a line. Finally deletes everything the benchmark created.
 */
class BenchmarkRuns {

	private static final Log logger = LogFactory.getLog(BenchmarkRuns.class);

	private final AggregateTypes types;

	private final List<String> aggregateIds;

	private final BenchTopology topology;

	private final BrokerAdmin admin;

	private final BareClient bare;

	private final OutboxLoad outbox;

	private final OutboxRows rows;

	private final ServiceRegistry registry;

	private final StringRedisTemplate redis;

	private final String registryKeyPrefix;

	private final RunReport report = new RunReport(logger, "the benchmark's");

	BenchmarkRuns(AggregateTypes types, List<String> aggregateIds, BenchmarkServices services) {
		this.types = types;
		this.aggregateIds = aggregateIds;
		this.topology = services.topology();
		this.admin = services.admin();
		this.bare = services.bare();
		this.outbox = services.outbox();
		this.rows = services.rows();
		this.registry = services.registry();
		this.redis = services.redis();
		this.registryKeyPrefix = services.registryKeyPrefix();
	}

	/**
	 * Declares the announcement exchanges and the sink's queues on them, which count the
	 * announcements.
	 * @throws IOException if the broker refuses
	 */
	void prepare() throws IOException {
		this.admin.declareAnnouncements(this.types.outbox());
		this.admin.declareAnnouncements(this.types.newOutbox());
		this.admin.declareAnnouncements(this.types.newBare());
	}

	/**
	 * (a) The bare client publishes to the fixed aggregates (declared again first,
	 * untimed, so that none has expired).
	 * @param events how many messages
	 * @param label the label of the log line
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Measurement bareSteady(int events, String label) throws Exception {
		this.admin.declareAggregates(this.types.bare(), this.aggregateIds, this.topology.bareQueueArguments());
		// the "measuring" and "measured" lines bound the measured part for
		// scripts/cpu-per-event.sh
		this.report.log("%s (a) bare client: measuring", label);
		Measurement measurement = this.bare.publish(this.topology.exchanges(this.types.bare(), this.aggregateIds),
				events);
		this.report.log("%s (a) bare client: measured", label);
		long delivered = this.admin.purge(this.topology.queues(this.types.bare(), this.aggregateIds));
		this.report.check(delivered == events,
				label + " (a): " + events + " messages confirmed but " + delivered + " in queues");
		this.report.log("%s (a) bare client publish: %,d messages in %.2f s = %,.0f msg/s", label, events,
				measurement.seconds(), measurement.rate());
		return measurement;
	}

	/**
	 * (b) EventPublisher publishes to the fixed aggregates in transactions; measured
	 * until every row is marked relayed.
	 * @param events how many events
	 * @param perTransaction events per transaction
	 * @param label the label of the log line
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Measurement outboxSteady(int events, int perTransaction, String label) throws Exception {
		heartbeat();
		this.report.log("%s (b) eventsource: measuring", label);
		Measurement measurement = this.outbox.publish(this.types.outbox(), this.aggregateIds, events, perTransaction);
		this.report.log("%s (b) eventsource: measured", label);
		long delivered = this.admin.purge(this.topology.queues(this.types.outbox(), this.aggregateIds));
		long announced = this.admin.purge(List.of(this.topology.announcementQueue(this.types.outbox())));
		this.report.check(delivered == events,
				label + " (b): " + events + " events relayed but " + delivered + " in queues");
		this.report.log(
				"%s (b) eventsource, %d per tx: %,d events committed in %.2f s, all relayed in %.2f s = %,.0f msg/s"
						+ " (broker got %,d events and %,d announcements)",
				label, perTransaction, events, measurement.publishedSeconds(), measurement.seconds(),
				measurement.rate(), delivered, announced);
		return measurement;
	}

	/**
	 * (c) The bare client declares, binds and publishes to new aggregates.
	 * @param newIds the new aggregate ids
	 * @param label the label of the log line
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Measurement bareNew(List<String> newIds, String label) throws Exception {
		Measurement measurement = this.bare.createAggregates(this.types.newBare(), newIds);
		long announced = this.admin.purge(List.of(this.topology.announcementQueue(this.types.newBare())));
		this.admin.delete(this.topology.queues(this.types.newBare(), newIds),
				this.topology.exchanges(this.types.newBare(), newIds));
		this.report.check(announced == newIds.size(),
				label + " (c) bare: " + newIds.size() + " new aggregates but " + announced + " announced");
		this.report.log("%s (c) bare client new aggregates: %,d in %.2f s = %,.0f aggr/s", label, newIds.size(),
				measurement.seconds(), measurement.rate());
		return measurement;
	}

	/**
	 * (c) EventPublisher publishes one event on each new aggregate; measured until every
	 * row is marked relayed.
	 * @param newIds the new aggregate ids
	 * @param perTransaction new aggregates per transaction
	 * @param label the label of the log line
	 * @return the measurement
	 * @throws Exception if the run fails
	 */
	Measurement outboxNew(List<String> newIds, int perTransaction, String label) throws Exception {
		heartbeat();
		Measurement measurement = this.outbox.createAggregates(this.types.newOutbox(), newIds, perTransaction);
		long announced = this.admin.purge(List.of(this.topology.announcementQueue(this.types.newOutbox())));
		this.admin.delete(this.topology.queues(this.types.newOutbox(), newIds),
				this.topology.exchanges(this.types.newOutbox(), newIds));
		this.report.check(announced >= newIds.size(),
				label + " (c) eventsource: " + newIds.size() + " new aggregates but " + announced + " announced");
		this.report.log(
				"%s (c) eventsource new aggregates, %d per tx: %,d committed in %.2f s, all relayed in %.2f s"
						+ " = %,.0f aggr/s",
				label, perTransaction, newIds.size(), measurement.publishedSeconds(), measurement.seconds(),
				measurement.rate());
		return measurement;
	}

	/**
	 * (b) taken apart: the publishing transactions with the relay stopped, then the relay
	 * alone draining what they committed.
	 * @param events how many events
	 * @param perTransaction events per transaction
	 * @return a line for the report
	 * @throws Exception if the run fails
	 */
	String breakdown(int events, int perTransaction) throws Exception {
		heartbeat();
		OutboxLoad.Breakdown breakdown = this.outbox.publishThenRelay(this.types.outbox(), this.aggregateIds, events,
				perTransaction);
		long delivered = this.admin.purge(this.topology.queues(this.types.outbox(), this.aggregateIds));
		long announced = this.admin.purge(List.of(this.topology.announcementQueue(this.types.outbox())));
		this.report.check(delivered == events,
				"breakdown: " + events + " events relayed but " + delivered + " in queues");
		return this.report.log(
				"breakdown of (b), %d per tx: publishing transactions alone (relay stopped) %,.0f events/s;"
						+ " then the relay alone, draining them, %,.0f events/s (%,d announcements)",
				perTransaction, breakdown.commits().rate(), breakdown.relay().rate(), announced);
	}

	/**
	 * Returns what the checks after each run found wrong.
	 * @return the problems, empty when all is well
	 */
	List<String> problems() {
		return this.report.problems();
	}

	/**
	 * Deletes the benchmark's queues and exchanges, registry keys and rows; logs what it
	 * cannot delete and goes on.
	 */
	void cleanUp() {
		logger.info("Deleting the benchmark's queues, exchanges, registry keys and rows");
		List<String> queues = new ArrayList<>();
		List<String> exchanges = new ArrayList<>();
		for (String type : List.of(this.types.outbox(), this.types.bare())) {
			queues.addAll(this.topology.queues(type, this.aggregateIds));
			exchanges.addAll(this.topology.exchanges(type, this.aggregateIds));
		}
		for (String type : List.of(this.types.outbox(), this.types.newOutbox(), this.types.newBare())) {
			queues.add(this.topology.announcementQueue(type));
			exchanges.add(this.topology.announcements(type));
		}
		this.report.attempt("queues and exchanges", () -> this.admin.delete(queues, exchanges));
		this.report.attempt("registry keys",
				() -> this.redis.delete(this.types.outboxTypes()
					.stream()
					.map((type) -> BenchmarkServices.registryKey(this.registryKeyPrefix, type))
					.toList()));
		this.report.attempt("rows",
				() -> logger.info("Deleted " + this.rows.delete(this.types.outboxTypes()) + " events"));
	}

	private void heartbeat() {
		this.registry.heartbeat(BenchTopology.SINK, this.types.outboxTypes());
	}

}
