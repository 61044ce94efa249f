package io.eventsource.actuate.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.eventsource.listen.internal.catchup.CatchUp;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ParkedEventOperations.RetryResult;
import io.eventsource.listen.internal.dispatch.ParkedEventOperations;
import io.eventsource.listen.internal.handler.EventHandlers;
import io.eventsource.replay.internal.ReplayRequest;
import io.eventsource.replay.internal.ReplayRequester;
import io.eventsource.store.internal.MessageAckRepository;
import io.eventsource.store.internal.OutboxBacklog;
import io.eventsource.store.internal.ParkedEventRepository.ParkedEvent;
import io.eventsource.store.internal.ParkedEventRepository;
import io.eventsource.store.internal.PublicMessageRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code eventsource} Actuator endpoint. Reading it lists this service's parked and
 * failing events (per projection and aggregate) and the outbox backlog. Writing
 * {@code /{projection}/{aggregateType}/{aggregateId}} retries that aggregate's parked
 * events for the projection; writing {@code /{aggregateType}/{aggregateId}} asks the
 * producers to replay that aggregate's events; writing the endpoint itself starts a
 * catch-up from the producers' logs; deleting {@code /{projection}/{eventId}} skips a
 * parked event.
 * <p>
 * Its access is {@link Access#READ_ONLY read-only} unless the application opens it
 * ({@code management.endpoint.eventsource.access=unrestricted}): the writes change what
 * the service applies, so an application that opens them protects them too. Like every
 * endpoint, it is reachable over HTTP only where the application exposes it
 * ({@code management.endpoints.web.exposure.include}). A selector that names nothing this
 * service knows (a projection without handlers or parked events, an aggregate type it
 * does not listen to, an event id that is not a UUID) is refused with an
 * {@link InvalidEndpointRequestException} before anything is written; an event that is
 * not parked is answered {@code null} (404 over HTTP, through
 * {@link EventSourceEndpointWebExtension}).
 */
@Endpoint(id = "eventsource", defaultAccess = Access.READ_ONLY)
public class EventSourceEndpoint {

	private static final int LIMIT = 500;

	private final ParkedEventOperations parkedEvents;

	private final ParkedEventRepository parked;

	private final EventHandlers handlers;

	private final MessageAckRepository acks;

	private final PublicMessageRepository outbox;

	private final String service;

	private final @Nullable ReplayRequester replay;

	private final @Nullable CatchUp catchUp;

	/**
	 * Creates the endpoint.
	 * @param parkedEvents retries and skips this service's parked events
	 * @param parked the parked events' table, where a skipped event is looked up first
	 * @param handlers the handlers of this service, which name its projections and the
	 * aggregate types it listens to
	 * @param acks the ack rows, for the events that are failing
	 * @param outbox the outbox
	 * @param service this service's name
	 * @param replay asks the producers for events and catches up from their logs
	 */
	public EventSourceEndpoint(ParkedEventOperations parkedEvents, ParkedEventRepository parked, EventHandlers handlers,
			MessageAckRepository acks, PublicMessageRepository outbox, String service, Replay replay) {
		this.parkedEvents = parkedEvents;
		this.parked = parked;
		this.handlers = handlers;
		this.acks = acks;
		this.outbox = outbox;
		this.service = service;
		this.replay = replay.requester();
		this.catchUp = replay.catchUp();
	}

	/**
	 * Returns the parked and failing events of this service (at most 500 of each) and the
	 * outbox backlog.
	 * @return the report
	 */
	@ReadOperation
	public Map<String, Object> report() {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("service", this.service);
		List<Map<String, Object>> parked = this.parkedEvents.list(LIMIT)
			.stream()
			.map(EventSourceEndpoint::describe)
			.toList();
		report.put("parked", parked);
		report.put("failing", this.acks.failing(this.service, LIMIT));
		OutboxBacklog backlog = this.outbox.backlog();
		Map<String, Object> outbox = new LinkedHashMap<>();
		outbox.put("unrelayed", backlog.count());
		outbox.put("oldestPublishedAt", backlog.oldestPublishedAt());
		report.put("outbox", outbox);
		return report;
	}

	/**
	 * Applies a projection's parked events of an aggregate in sequence order and, once
	 * none is left, releases the aggregate.
	 * @param projection the projection
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return what was applied and what is left, or {@code null} when the projection
	 * neither handles the aggregate type nor holds parked events of the aggregate
	 * @throws InvalidEndpointRequestException if the projection is unknown or holds
	 * malformed messages, or the aggregate type or id cannot name an aggregate
	 */
	@WriteOperation
	public @Nullable RetryResult retry(@Selector String projection, @Selector String aggregateType,
			@Selector String aggregateId) {
		if (EventDispatcher.MALFORMED.equals(projection)) {
			throw EndpointSelectors.invalid("Malformed messages cannot be applied; look at them and skip them");
		}
		EndpointSelectors.aggregate(aggregateType, aggregateId);
		requireKnown(projection);
		if (!this.handlers.projections(aggregateType).contains(projection)
				&& this.parked.count(this.service, projection, aggregateType, aggregateId) == 0) {
			return null;
		}
		return this.parkedEvents.retry(projection, aggregateType, aggregateId);
	}

	/**
	 * Skips the lowest parked event of an aggregate for a projection, then retries the
	 * rest.
	 * @param projection the projection
	 * @param eventId the event id
	 * @return what the retry of the rest applied and left, or {@code null} when the event
	 * is not parked for the projection
	 * @throws InvalidEndpointRequestException if the event id is not a UUID, the
	 * projection is unknown, or the event is not the lowest parked one of its aggregate
	 */
	@DeleteOperation
	public @Nullable RetryResult skip(@Selector String projection, @Selector String eventId) {
		UUID id = EndpointSelectors.eventId(eventId);
		requireKnown(projection);
		if (this.parked.find(this.service, projection, id) == null) {
			return null;
		}
		try {
			return this.parkedEvents.skip(projection, id);
		}
		catch (IllegalArgumentException ex) {
			// not the lowest of its aggregate, or skipped by someone else meanwhile
			throw EndpointSelectors.invalid(String.valueOf(ex.getMessage()));
		}
	}

	/**
	 * Asks the producers for every event of an aggregate, from its first: those this
	 * service applied already count as duplicates, the missing ones (lost at the end of
	 * the aggregate's stream, where no later event reveals the gap) are applied in order.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return whether the request was sent (the same request is sent at most once per gap
	 * timeout)
	 * @throws InvalidEndpointRequestException if this service does not listen to the
	 * aggregate type or the aggregate id cannot name an aggregate
	 */
	@WriteOperation
	public Map<String, Object> replay(@Selector String aggregateType, @Selector String aggregateId) {
		EndpointSelectors.aggregate(aggregateType, aggregateId);
		if (!this.handlers.aggregateTypes().contains(aggregateType)) {
			throw EndpointSelectors.invalid("Service '" + this.service + "' does not listen to aggregate type "
					+ EndpointSelectors.quote(aggregateType));
		}
		if (this.replay == null) {
			return Map.of("requested", false, "reason", "eventsource.replay.enabled is false");
		}
		return Map.of("requested", this.replay.request(new ReplayRequest(aggregateType, aggregateId, 1, 0)));
	}

	/**
	 * Catches up every aggregate type this service listens to from the producers' logs,
	 * in the background, after this service's cursors.
	 * @return whether a catch-up was started
	 */
	@WriteOperation
	public Map<String, Object> catchUp() {
		return Map.of("started", this.catchUp != null && this.catchUp.catchUpNow());
	}

	/**
	 * Refuses a projection that this service neither handles nor holds parked events of
	 * (those of a projection whose handlers were removed can still be skipped).
	 * @param projection the projection selector
	 */
	private void requireKnown(String projection) {
		if (EventDispatcher.MALFORMED.equals(projection)) {
			return;
		}
		for (String aggregateType : this.handlers.aggregateTypes()) {
			if (this.handlers.projections(aggregateType).contains(projection)) {
				return;
			}
		}
		if (!this.parked.countByProjection(this.service).containsKey(projection)) {
			throw EndpointSelectors
				.invalid("Service '" + this.service + "' has no projection " + EndpointSelectors.quote(projection));
		}
	}

	private static Map<String, Object> describe(ParkedEvent event) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("projection", event.projection());
		described.put("aggregateType", event.metadata().aggregateType());
		described.put("aggregateId", event.metadata().aggregateId());
		described.put("sequence", event.metadata().sequence());
		described.put("eventType", event.metadata().eventType());
		described.put("eventId", event.metadata().eventId().toString());
		described.put("reason", event.reason());
		described.put("payloadEncoding", event.payload().encoding().columnValue());
		described.put("payloadTruncated", event.payload().truncated());
		described.put("parkedAt", event.parkedAt());
		return described;
	}

	/**
	 * What the endpoint asks the producers through.
	 *
	 * @param requester asks the producers for events, or {@code null} when replay is off
	 * @param catchUp catches up from the producers' logs, or {@code null} when replay is
	 * off
	 */
	public record Replay(@Nullable ReplayRequester requester, @Nullable CatchUp catchUp) {

	}

}
