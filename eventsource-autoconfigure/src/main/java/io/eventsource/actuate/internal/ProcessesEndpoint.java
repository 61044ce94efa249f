package io.eventsource.actuate.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.process.internal.ProcessManagers;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessInstance;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code processes} Actuator endpoint, for a service with process managers. Reading
 * it lists, per process type, the deployed versions, the instances by status and the
 * running instances (oldest first) with their version and state; reading
 * {@code /{processType}/{processId}} shows one instance with its pending timeouts.
 * Writing {@code /{processType}/{processId}} with {@code toVersion} moves an instance to
 * another deployed version; writing {@code /{processType}} with {@code fromVersion} and
 * {@code toVersion} moves every running instance of a version.
 * <p>
 * Its access is {@link Access#READ_ONLY read-only} unless the application opens it
 * ({@code management.endpoint.processes.access=unrestricted}), and then protects it.
 * Reachable over HTTP only where the application exposes it. A process type that is not
 * deployed here, or a process id that cannot name an aggregate, is refused with an
 * {@link InvalidEndpointRequestException}; an instance that does not exist is answered
 * {@code null} (404 over HTTP, through {@link ProcessesEndpointWebExtension} for the
 * upgrade).
 */
@Endpoint(id = "processes", defaultAccess = Access.READ_ONLY)
public class ProcessesEndpoint {

	private static final int LIMIT = 200;

	private final ProcessManagers processes;

	/**
	 * Creates the endpoint.
	 * @param processes the process managers of this service
	 */
	public ProcessesEndpoint(ProcessManagers processes) {
		this.processes = processes;
	}

	/**
	 * Lists the process types with their versions, counts and running instances.
	 * @return the report, by process type
	 */
	@ReadOperation
	public Map<String, Object> report() {
		Map<String, Object> report = new LinkedHashMap<>();
		for (String type : this.processes.types()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("versions", this.processes.versions(type));
			entry.put("instances", this.processes.counts(type));
			entry.put("running",
					this.processes.list(type, ProcessStatus.RUNNING, LIMIT)
						.stream()
						.map(ProcessesEndpoint::describe)
						.toList());
			report.put(type, entry);
		}
		return report;
	}

	/**
	 * Shows one instance with its pending timeouts.
	 * @param processType the process type
	 * @param processId the process id
	 * @return the instance, or {@code null} (404) when there is none
	 * @throws InvalidEndpointRequestException if the process type is not deployed here or
	 * the process id cannot name an aggregate
	 */
	@ReadOperation
	public @Nullable Map<String, Object> instance(@Selector String processType, @Selector String processId) {
		requireProcess(processType, processId);
		ProcessInstance instance = this.processes.find(processType, processId);
		if (instance == null) {
			return null;
		}
		Map<String, Object> described = describe(instance);
		described.put("timeouts",
				this.processes.timeouts(processType, processId)
					.stream()
					.map((timeout) -> Map.of("name", timeout.name(), "dueAt", timeout.dueAt().toString()))
					.toList());
		return described;
	}

	/**
	 * Moves an instance to another deployed version.
	 * @param processType the process type
	 * @param processId the process id
	 * @param toVersion the version
	 * @return the id of the {@code ProcessUpgraded} event appended to its stream, or
	 * {@code null} when there is no such instance
	 * @throws InvalidEndpointRequestException (400) if the process type is not deployed
	 * here, the instance is not running, already runs that version or the version is not
	 * deployed
	 */
	@WriteOperation
	public @Nullable Map<String, Object> upgrade(@Selector String processType, @Selector String processId,
			int toVersion) {
		requireProcess(processType, processId);
		if (this.processes.find(processType, processId) == null) {
			return null;
		}
		try {
			return Map.of("upgraded", List.of(processId), "event",
					this.processes.upgrade(processType, processId, toVersion).eventId().toString());
		}
		catch (IllegalArgumentException ex) {
			throw EndpointSelectors.invalid(String.valueOf(ex.getMessage()));
		}
	}

	/**
	 * Moves every running instance of a version to another.
	 * @param processType the process type
	 * @param fromVersion the version they run
	 * @param toVersion the version to move them to
	 * @return how many were moved
	 * @throws InvalidEndpointRequestException (400) if the process type or the version to
	 * move them to is not deployed here
	 */
	@WriteOperation
	public Map<String, Object> upgradeAll(@Selector String processType, int fromVersion, int toVersion) {
		requireDeployed(processType);
		try {
			return Map.of("upgraded", this.processes.upgradeAll(processType, fromVersion, toVersion));
		}
		catch (IllegalArgumentException ex) {
			throw EndpointSelectors.invalid(String.valueOf(ex.getMessage()));
		}
	}

	private void requireProcess(String processType, String processId) {
		requireDeployed(processType);
		try {
			AggregateNames.requireAggregateId(processId);
		}
		catch (IllegalArgumentException ex) {
			throw EndpointSelectors.invalid("Process id " + EndpointSelectors.quote(processId) + " is not valid");
		}
	}

	private void requireDeployed(String processType) {
		if (!this.processes.types().contains(processType)) {
			throw EndpointSelectors.invalid("Process type " + EndpointSelectors.quote(processType)
					+ " is not deployed here: " + this.processes.types());
		}
	}

	private static Map<String, Object> describe(ProcessInstance instance) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("processId", instance.processId());
		described.put("version", instance.version());
		described.put("status", instance.status().name());
		described.put("state", (instance.state() != null) ? instance.state() : "");
		described.put("startedAt", instance.startedAt().toString());
		described.put("updatedAt", instance.updatedAt().toString());
		return described;
	}

}
