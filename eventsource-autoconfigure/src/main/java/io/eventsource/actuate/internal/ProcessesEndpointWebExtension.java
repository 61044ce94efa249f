package io.eventsource.actuate.internal;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link ProcessesEndpoint}:
 * an upgrade of an instance that does not exist answers 404 rather than Actuator's 204
 * for a write without a result. Its operation is subject to the endpoint's access, so it
 * too is off while the endpoint is read-only.
 */
@EndpointWebExtension(endpoint = ProcessesEndpoint.class)
public class ProcessesEndpointWebExtension {

	private final ProcessesEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 */
	public ProcessesEndpointWebExtension(ProcessesEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Moves an instance to another deployed version.
	 * @param processType the process type
	 * @param processId the process id
	 * @param toVersion the version
	 * @return the id of the {@code ProcessUpgraded} event appended to its stream; 404
	 * when there is no such instance
	 * @see ProcessesEndpoint#upgrade(String, String, int)
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> upgrade(@Selector String processType, @Selector String processId,
			int toVersion) {
		return EventSourceEndpointWebExtension.orNotFound(this.delegate.upgrade(processType, processId, toVersion));
	}

}
