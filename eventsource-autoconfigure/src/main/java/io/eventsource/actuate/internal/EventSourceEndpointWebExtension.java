package io.eventsource.actuate.internal;

import io.eventsource.listen.internal.dispatch.ParkedEventOperations.RetryResult;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link EventSourceEndpoint}:
 * a retry or skip whose selectors name no parked event answers 404 rather than Actuator's
 * 204 for a write without a result. Its operations are subject to the endpoint's access,
 * so they too are off while the endpoint is read-only.
 */
@EndpointWebExtension(endpoint = EventSourceEndpoint.class)
public class EventSourceEndpointWebExtension {

	private final EventSourceEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 */
	public EventSourceEndpointWebExtension(EventSourceEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Retries a projection's parked events of an aggregate.
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return what was applied and what is left; 404 when the projection neither handles
	 * the aggregate type nor holds parked events of the aggregate
	 * @see EventSourceEndpoint#retry(String, String, String)
	 */
	@WriteOperation
	public WebEndpointResponse<RetryResult> retry(@Selector String projection, @Selector String aggregateType,
			@Selector String aggregateId) {
		return orNotFound(this.delegate.retry(projection, aggregateType, aggregateId));
	}

	/**
	 * Skips a parked event.
	 * @param projection the projection
	 * @param eventId the event id
	 * @return what the retry of the rest applied and left; 404 when the event is not
	 * parked for the projection
	 * @see EventSourceEndpoint#skip(String, String)
	 */
	@DeleteOperation
	public WebEndpointResponse<RetryResult> skip(@Selector String projection, @Selector String eventId) {
		return orNotFound(this.delegate.skip(projection, eventId));
	}

	static <T> WebEndpointResponse<T> orNotFound(@Nullable T body) {
		return (body != null) ? new WebEndpointResponse<>(body)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
