package io.eventsource.process.internal;

import java.lang.reflect.Method;
import java.time.Clock;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.process.ProcessStarted;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessInstance;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.util.ReflectionUtils;

/**
 * Routes the events a process type follows into its instances' streams, keyed by
 * correlation id: an event of a start type with a new correlation id starts an instance;
 * an event of a running instance's correlation id is appended to its stream, as it came,
 * with an id derived from its own. Runs as a handler of the listener, in the transaction
 * that records the followed event.
 */
final class ProcessRouter {

	static final Method ROUTE = ReflectionUtils.findMethod(ProcessRouter.class, "route", JsonNode.class,
			EventMetadata.class);

	private static final Log logger = LogFactory.getLog(ProcessRouter.class);

	private final String service;

	private final String processType;

	private final ProcessDefinitions definitions;

	private final ProcessStore store;

	private final EventPublisher publisher;

	private final ProcessMetrics metrics;

	private final Clock clock;

	ProcessRouter(ProcessCollaborators collaborators, String processType) {
		this.service = collaborators.service();
		this.processType = processType;
		this.definitions = collaborators.definitions();
		this.store = collaborators.store();
		this.publisher = collaborators.publisher();
		this.metrics = collaborators.metrics();
		this.clock = collaborators.clock();
	}

	void route(JsonNode payload, EventMetadata metadata) {
		String processId = metadata.correlationId();
		ProcessInstance instance = this.store.instances().find(this.service, this.processType, processId);
		if (instance == null) {
			ProcessDefinition latest = this.definitions.latest(this.processType);
			if (!latest.startTypes().contains(metadata.eventType()) || !validProcessId(processId, metadata)) {
				return;
			}
			if (this.store.instances()
				.insertIfAbsent(this.service, this.processType, processId, latest.version(), this.clock.instant())) {
				this.publisher.publish(this.processType, processId,
						new ProcessStarted(latest.version(), metadata.eventType()), PublishOptions.defaults()
							.withEventId(ProcessIds.derived(this.processType, processId, "started")));
				this.metrics.started(this.processType, latest.version());
			}
			else {
				instance = this.store.instances().find(this.service, this.processType, processId);
			}
		}
		if (instance != null && instance.status() != ProcessStatus.RUNNING) {
			return;
		}
		UUID copyId = ProcessIds.derived(this.processType, metadata.eventId().toString());
		if (this.store.outbox().contains(copyId)) {
			return;
		}
		this.publisher.publish(this.processType, processId, payload, ProcessOrigin.carried(metadata,
				PublishOptions.defaults().withEventId(copyId).withEventType(metadata.eventType())));
	}

	private boolean validProcessId(String processId, EventMetadata metadata) {
		try {
			AggregateNames.requireAggregateId(processId);
			return true;
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Process '" + this.processType + "' cannot start on " + metadata.eventType() + " "
					+ metadata.eventId() + ": its correlation id is not a valid process id: " + ex.getMessage());
			return false;
		}
	}

}
