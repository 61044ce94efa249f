package io.eventsource.process.internal;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.process.ProcessCompleted;
import io.eventsource.process.ProcessEventRejected;
import io.eventsource.process.ProcessRejectedException;
import io.eventsource.process.ProcessTimedOut;
import io.eventsource.process.ProcessUpgraded;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.PublishOptions;
import io.eventsource.publish.internal.CorrelationContext;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessStatus;
import io.eventsource.store.internal.ProcessTimeoutRepository;
import io.eventsource.store.internal.StoredEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

/**
 * Handles the events of a process type's instance streams, one at a time per instance and
 * in stream order (they arrive as any aggregate's events do): rebuilds the state by
 * replaying the history through the handlers of the instance's version, runs the handler
 * of the current event, and writes what it did (commands and events with ids derived from
 * the event, timeouts, completion, the instance row) in the listener's transaction.
 */
final class ProcessRunner {

	static final Method RUN = ReflectionUtils.findMethod(ProcessRunner.class, "run", JsonNode.class,
			EventMetadata.class);

	private static final Log logger = LogFactory.getLog(ProcessRunner.class);

	private final String service;

	private final String processType;

	private final ProcessDefinitions definitions;

	private final ProcessStore store;

	private final EventPublisher publisher;

	private final JsonMapper jsonMapper;

	private final ProcessMetrics metrics;

	private final Clock clock;

	ProcessRunner(ProcessCollaborators collaborators, String processType, JsonMapper jsonMapper) {
		this.service = collaborators.service();
		this.processType = processType;
		this.definitions = collaborators.definitions();
		this.store = collaborators.store();
		this.publisher = collaborators.publisher();
		this.jsonMapper = jsonMapper;
		this.metrics = collaborators.metrics();
		this.clock = collaborators.clock();
	}

	void run(JsonNode payload, EventMetadata metadata) throws Exception {
		String processId = metadata.aggregateId();
		// the whole stream: an event rejected before this one has its marker after it
		List<StoredEvent> stream = this.store.outbox().findByAggregate(this.processType, processId, 1);
		int at = (int) metadata.sequence() - 1;
		Assert.state(at < stream.size() && stream.get(at).envelope().metadata().eventId().equals(metadata.eventId()),
				() -> "Event " + metadata.eventId() + " of process " + this.processType + "-" + processId
						+ " is not in this service's log; a process stream is handled by the service that writes it");
		StoredEvent current = stream.get(at);
		ProcessHistory history = ProcessHistory.of(stream.subList(0, at), stream, this.jsonMapper);
		String eventType = metadata.eventType();
		if (eventType.equals(OwnEventTypes.UPGRADED)) {
			upgrade(processId, metadata, read(current, ProcessUpgraded.class), history);
			return;
		}
		if (OwnEventTypes.isRecord(eventType) || history.completed()) {
			return;
		}
		ProcessDefinition definition = definition(processId, history.version());
		ProcessInstanceContext<Object> context = replay(definition, processId, history);
		if (context.isCompleted()) {
			// an earlier event completed it; its ProcessCompleted comes after this one
			return;
		}
		ProcessTimedOut timedOut = null;
		if (eventType.equals(OwnEventTypes.TIMED_OUT)) {
			timedOut = read(current, ProcessTimedOut.class);
			if (!timedOut.dueAt().equals(context.timeouts().get(timedOut.name()))) {
				logger.debug("Process " + this.processType + "-" + processId + " passes over timeout '"
						+ timedOut.name() + "' due at " + timedOut.dueAt() + ": cancelled or rescheduled");
				return;
			}
			context.fired(timedOut.name());
		}
		Map<String, Instant> pending = new LinkedHashMap<>(context.timeouts());
		EventMetadata origin = ProcessOrigin.of(metadata);
		ProcessMethod method = definition.method(eventType);
		if (method != null) {
			context.begin(origin, false);
			try {
				method.invoke(definition.bean(), read(current, method.eventClass()), context);
			}
			catch (ProcessRejectedException ex) {
				reject(processId, metadata, origin, definition.version(), ex);
				return;
			}
		}
		if (timedOut != null) {
			this.metrics.timedOut(this.processType, definition.version());
		}
		CorrelationContext.callWith(origin, () -> {
			send(metadata.eventId(), context.outgoing());
			return null;
		});
		record(processId, metadata, origin, context, pending);
	}

	private void upgrade(String processId, EventMetadata metadata, ProcessUpgraded upgraded, ProcessHistory history) {
		if (history.completed()) {
			return;
		}
		ProcessDefinition definition = definition(processId, upgraded.toVersion());
		ProcessInstanceContext<Object> context = replay(definition, processId, history);
		this.store.timeouts().cancelAll(this.service, this.processType, processId);
		record(processId, metadata, ProcessOrigin.of(metadata), context, Map.of());
		this.metrics.upgraded(this.processType, definition.version());
		logger.info("Process " + this.processType + "-" + processId + " moved from version " + upgraded.fromVersion()
				+ " to " + upgraded.toVersion() + "; its history was replayed on the new version");
	}

	private ProcessInstanceContext<Object> replay(ProcessDefinition definition, String processId,
			ProcessHistory history) {
		ProcessInstanceContext<Object> context = new ProcessInstanceContext<>(this.processType, processId,
				definition.version(), definition.newState());
		for (StoredEvent stored : history.replayed()) {
			EventMetadata metadata = stored.envelope().metadata();
			if (metadata.eventType().equals(OwnEventTypes.TIMED_OUT)) {
				ProcessTimedOut timedOut = read(stored, ProcessTimedOut.class);
				if (!timedOut.dueAt().equals(context.timeouts().get(timedOut.name()))) {
					continue;
				}
				context.fired(timedOut.name());
			}
			ProcessMethod method = definition.method(metadata.eventType());
			if (method == null) {
				continue;
			}
			context.begin(ProcessOrigin.of(metadata), true);
			try {
				method.invoke(definition.bean(), read(stored, method.eventClass()), context);
			}
			catch (ProcessRejectedException ex) {
				logger.debug("Version " + definition.version() + " of process " + this.processType
						+ " leaves out event " + metadata.eventId() + " of its history: " + ex.getMessage());
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException("Replaying the history of process " + this.processType + "-" + processId
						+ " failed on event " + metadata.eventId() + ": " + ex, ex);
			}
		}
		return context;
	}

	private void send(UUID handledId, List<ProcessInstanceContext.Outgoing> outgoing) {
		for (int i = 0; i < outgoing.size(); i++) {
			ProcessInstanceContext.Outgoing message = outgoing.get(i);
			UUID id = ProcessIds.derived(this.processType, handledId.toString(), "out", Integer.toString(i));
			if (this.store.outbox().contains(id)) {
				continue;
			}
			PublishOptions options = PublishOptions.defaults().withEventId(id);
			if (message.service() != null) {
				options = options.withHeader(EventMetadata.TARGET_SERVICE_HEADER, message.service());
			}
			this.publisher.publish(message.aggregateType(), message.aggregateId(), message.event(), options);
		}
	}

	private void record(String processId, EventMetadata metadata, EventMetadata origin,
			ProcessInstanceContext<Object> context, Map<String, Instant> pending) {
		ProcessTimeoutRepository timeouts = this.store.timeouts();
		int version = context.version();
		if (context.isCompleted()) {
			timeouts.cancelAll(this.service, this.processType, processId);
			CorrelationContext.callWith(origin, () -> this.publisher
				.publish(this.processType, processId, new ProcessCompleted(version), PublishOptions.defaults()
					.withEventId(ProcessIds.derived(this.processType, metadata.eventId().toString(), "completed"))));
			this.metrics.completed(this.processType, version);
		}
		else {
			pending.keySet()
				.stream()
				.filter((name) -> !context.timeouts().containsKey(name))
				.forEach((name) -> timeouts.cancel(this.service, this.processType, processId, name));
			context.timeouts()
				.entrySet()
				.stream()
				.filter((timeout) -> !timeout.getValue().equals(pending.get(timeout.getKey())))
				.forEach((timeout) -> timeouts.schedule(this.service, this.processType, processId, timeout.getKey(),
						timeout.getValue()));
		}
		this.store.instances()
			.update(this.service, this.processType, processId, version,
					context.isCompleted() ? ProcessStatus.COMPLETED : ProcessStatus.RUNNING, stateJson(context),
					this.clock.instant());
	}

	private void reject(String processId, EventMetadata metadata, EventMetadata origin, int version,
			ProcessRejectedException ex) {
		String reason = Objects.requireNonNullElse(ex.getMessage(), ex.getClass().getName());
		logger.warn("Process " + this.processType + "-" + processId + " rejected " + metadata.eventType() + " "
				+ origin.eventId() + ": " + reason);
		CorrelationContext.callWith(origin, () -> this.publisher.publish(this.processType, processId,
				new ProcessEventRejected(metadata.eventId().toString(), metadata.eventType(), reason),
				PublishOptions.defaults()
					.withEventId(ProcessIds.derived(this.processType, metadata.eventId().toString(), "rejected"))));
		this.metrics.rejected(this.processType, version);
	}

	private ProcessDefinition definition(String processId, int version) {
		ProcessDefinition definition = this.definitions.get(this.processType, version);
		if (definition == null) {
			throw new IllegalStateException("Process " + this.processType + "-" + processId + " runs version " + version
					+ ", which this service does not deploy (it has " + this.definitions.versions(this.processType)
					+ "); deploy that version until its instances complete, or upgrade them");
		}
		return definition;
	}

	private <T> T read(StoredEvent stored, Class<T> type) {
		return this.jsonMapper.readValue(stored.envelope().payload(), type);
	}

	private @Nullable String stateJson(ProcessInstanceContext<Object> context) {
		Object state = context.currentState();
		if (state == null) {
			return null;
		}
		try {
			return this.jsonMapper.writeValueAsString(state);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

}
