package io.eventsource.process.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.internal.handler.EventHandler;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.process.ProcessUpgraded;
import io.eventsource.publish.PublishOptions;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessInstance;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessStatus;
import io.eventsource.store.internal.ProcessTimeoutRepository.Timeout;
import io.eventsource.store.internal.StoredEvent;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.util.Assert;

/**
 * The process managers of this service: binds each process type's router and runner to
 * the listener once the context's singletons exist, and lets operators list instances and
 * move them to another definition version.
 * <p>
 * A process type listens under the projection {@code process.<type>}: to the events its
 * definitions follow (the router) and to its own instances' streams (the runner).
 */
public class ProcessManagers implements SmartInitializingSingleton {

	private final ProcessCollaborators collaborators;

	private final EventHandlers handlers;

	private final JsonMapper jsonMapper;

	/**
	 * Creates the process managers of this service.
	 * @param collaborators what the router and the runner of every process type work with
	 * @param handlers the handlers the routers and runners join
	 * @param jsonMapper the JSON mapper of process states
	 */
	public ProcessManagers(ProcessCollaborators collaborators, EventHandlers handlers, JsonMapper jsonMapper) {
		this.collaborators = collaborators;
		this.handlers = handlers;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Returns the projection a process type's router and runner listen under.
	 * @param processType the process type
	 * @return the projection
	 */
	public static String projection(String processType) {
		return "process." + processType;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String type : this.collaborators.definitions().types()) {
			String projection = projection(type);
			ProcessRouter router = new ProcessRouter(this.collaborators, type);
			for (ProcessDefinitions.Followed followed : this.collaborators.definitions().followed(type)) {
				this.handlers.add(EventHandler.of("process '" + type + "' router", router, ProcessRouter.ROUTE,
						JsonNode.class, projection, followed.aggregateType(), followed.eventType()));
			}
			ProcessRunner runner = new ProcessRunner(this.collaborators, type, this.jsonMapper);
			Set<String> streamTypes = new TreeSet<>(this.collaborators.definitions().eventTypes(type));
			streamTypes.addAll(OwnEventTypes.ALL);
			for (String eventType : streamTypes) {
				this.handlers.add(EventHandler.of("process '" + type + "' runner", runner, ProcessRunner.RUN,
						JsonNode.class, projection, type, eventType));
			}
		}
	}

	/**
	 * Returns the process types of this service.
	 * @return the process types, sorted
	 */
	public Set<String> types() {
		return this.collaborators.definitions().types();
	}

	/**
	 * Returns the deployed definition versions of a process type.
	 * @param processType the process type
	 * @return the versions, ascending
	 */
	public Set<Integer> versions(String processType) {
		return this.collaborators.definitions().versions(processType);
	}

	/**
	 * Lists instances of a process type, oldest first.
	 * @param processType the process type
	 * @param status the status, or {@code null} for all
	 * @param limit the most to list
	 * @return the instances
	 */
	public List<ProcessInstance> list(String processType, @Nullable ProcessStatus status, int limit) {
		return this.collaborators.store().instances().list(this.collaborators.service(), processType, status, limit);
	}

	/**
	 * Counts the instances of a process type by status.
	 * @param processType the process type
	 * @return the counts
	 */
	public Map<ProcessStatus, Long> counts(String processType) {
		return this.collaborators.store().instances().countByStatus(this.collaborators.service(), processType);
	}

	/**
	 * Returns an instance.
	 * @param processType the process type
	 * @param processId the process id
	 * @return the instance, or {@code null} when there is none
	 */
	public @Nullable ProcessInstance find(String processType, String processId) {
		return this.collaborators.store().instances().find(this.collaborators.service(), processType, processId);
	}

	/**
	 * Returns the pending timeouts of an instance.
	 * @param processType the process type
	 * @param processId the process id
	 * @return the timeouts, earliest first
	 */
	public List<Timeout> timeouts(String processType, String processId) {
		return this.collaborators.store().timeouts().pending(this.collaborators.service(), processType, processId);
	}

	/**
	 * Moves a running instance to another deployed version: appends a
	 * {@link ProcessUpgraded} event to its stream; when the runner reaches it, the whole
	 * history is replayed through the new version's handlers, its timeouts are those the
	 * new version schedules, and its next events are handled by the new version.
	 * @param processType the process type
	 * @param processId the process id
	 * @param toVersion the version to move it to
	 * @return the appended event
	 * @throws IllegalArgumentException if the instance does not exist, is not running,
	 * already runs that version, or the version is not deployed
	 */
	public EventMetadata upgrade(String processType, String processId, int toVersion) {
		ProcessInstance instance = find(processType, processId);
		Assert.isTrue(instance != null, () -> "No process " + processType + "-" + processId);
		Assert.isTrue(instance.status() == ProcessStatus.RUNNING,
				() -> "Process " + processType + "-" + processId + " is " + instance.status());
		Assert.isTrue(instance.version() != toVersion,
				() -> "Process " + processType + "-" + processId + " already runs version " + toVersion);
		Assert.isTrue(this.collaborators.definitions().get(processType, toVersion) != null, () -> "Version " + toVersion
				+ " of process " + processType + " is not deployed here: " + versions(processType));
		Assert.isTrue(lastVersionInStream(processType, processId) != toVersion,
				() -> "Process " + processType + "-" + processId + " is already being moved to version " + toVersion);
		return this.collaborators.publisher()
			.publish(processType, processId, new ProcessUpgraded(instance.version(), toVersion),
					PublishOptions.defaults().withCorrelationId(processId));
	}

	private int lastVersionInStream(String processType, String processId) {
		List<StoredEvent> stream = this.collaborators.store().outbox().findByAggregate(processType, processId, 1);
		return ProcessHistory.of(stream, stream, this.jsonMapper).version();
	}

	/**
	 * Moves every running instance of one version to another, passing over those that
	 * complete or are moved meanwhile.
	 * @param processType the process type
	 * @param fromVersion the version they run
	 * @param toVersion the version to move them to
	 * @return how many were moved
	 */
	public int upgradeAll(String processType, int fromVersion, int toVersion) {
		Assert.isTrue(this.collaborators.definitions().get(processType, toVersion) != null, () -> "Version " + toVersion
				+ " of process " + processType + " is not deployed here: " + versions(processType));
		int moved = 0;
		for (ProcessInstance instance : list(processType, ProcessStatus.RUNNING, Integer.MAX_VALUE)) {
			if (instance.version() == fromVersion) {
				try {
					upgrade(processType, instance.processId(), toVersion);
					moved++;
				}
				catch (IllegalArgumentException ex) {
					// completed or moved meanwhile
				}
			}
		}
		return moved;
	}

}
