package io.eventsource.topology.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.registry.RegistryUnavailableException;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.PerAggregateNames;
import io.eventsource.topology.SendOutcome;
import io.eventsource.topology.SendOutcomes;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.util.Assert;

/**
 * The per-aggregate topology. For each service live in the registry for the aggregate
 * type, it declares the auto-delete exchange {@code {Type}-{id}} and the queue
 * {@code {Type}-{id}-{service}} (with {@code x-expires} and
 * {@code x-single-active-consumer}), binds them, publishes the event to the exchange with
 * {@code mandatory}, then announces the aggregate id on the durable fanout exchange
 * {@code {Type}AggregateIds} at most once per announce interval: a listener that heard an
 * announcement consumes the queue for at least its idle timeout, which must be longer.
 * <p>
 * Declarations are cached for less than the queue expiry. Once its time to live has
 * passed, a declaration made less than halfway from then to the queue expiry is renewed
 * without waiting for the broker's replies (the queue is known to exist: the renewal
 * resets its expiry, and declares its exchange and binding again in case they were
 * deleted), so the relay does not stop for round trips to keep a busy aggregate's queues
 * alive; an older or unknown one is declared and its replies awaited before the event is
 * published. A renewal the broker refuses closes the declaring channel, which the next
 * call notices and forgets every declaration. A stale cache shows as a returned message
 * (the queue is gone) or a channel error (the exchange is gone): both forget the cached
 * declarations, so that the next call declares again and resends.
 */
public class PerAggregateTopology implements EventTopology, AutoCloseable {

	private static final Log logger = LogFactory.getLog(PerAggregateTopology.class);

	private final ConnectionFactory connectionFactory;

	private final ServiceRegistry registry;

	private final Map<String, Object> queueArguments;

	private final Duration confirmTimeout;

	private final DeclarationCache declarations;

	private final DeclarationCache announcements;

	private final TopologyMetrics metrics;

	private @Nullable ConfirmingChannel channel;

	private @Nullable Channel declareChannel;

	public PerAggregateTopology(ConnectionFactory connectionFactory, ServiceRegistry registry, Duration queueExpiry,
			Duration declarationCacheTtl, Duration announceInterval, Duration confirmTimeout,
			MeterRegistry meterRegistry) {
		Assert.isTrue(declarationCacheTtl.compareTo(queueExpiry) < 0, () -> "The declaration cache time to live ("
				+ declarationCacheTtl + ") must be shorter than the queue expiry (" + queueExpiry + ")");
		this.connectionFactory = connectionFactory;
		this.registry = registry;
		this.queueArguments = PerAggregateNames.aggregateQueueArguments(queueExpiry);
		this.confirmTimeout = confirmTimeout;
		Duration trust = declarationCacheTtl.plus(queueExpiry.minus(declarationCacheTtl).dividedBy(2));
		this.declarations = new DeclarationCache(declarationCacheTtl, trust, 0.25, System::nanoTime,
				() -> ThreadLocalRandom.current().nextDouble());
		this.announcements = new DeclarationCache(announceInterval, System::nanoTime);
		this.metrics = new TopologyMetrics(meterRegistry);
	}

	@Override
	public SendOutcomes send(List<EventEnvelope> events) {
		return publish(events).await();
	}

	@Override
	public Publishing publish(List<EventEnvelope> events) {
		SendOutcomes result = new SendOutcomes();
		Map<String, List<EventEnvelope>> byAggregate = groupByAggregate(events);
		ConfirmingChannel channel;
		try {
			channel = channel();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot open a channel to relay events", ex);
			events.forEach((event) -> result.put(event.metadata().eventId(), SendOutcome.FAILED));
			result.unreachable();
			return () -> result;
		}
		Map<Long, EventMetadata> published = new LinkedHashMap<>();
		boolean channelFailed = false;
		for (List<EventEnvelope> aggregateEvents : byAggregate.values()) {
			EventMetadata first = aggregateEvents.get(0).metadata();
			if (channelFailed) {
				break;
			}
			Set<String> services;
			try {
				services = this.registry.liveServices(first.aggregateType());
			}
			catch (RegistryUnavailableException ex) {
				logger.debug("No live services known for " + first.aggregateType(), ex);
				result.unreachable();
				continue;
			}
			if (services.isEmpty()) {
				aggregateEvents.forEach((event) -> result.put(event.metadata().eventId(), SendOutcome.NO_SUBSCRIBERS));
				continue;
			}
			try {
				declare(declareChannel(), first.aggregateType(), first.aggregateId(), services);
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Cannot declare the queues of " + first.aggregateType() + "-"
						+ UntrustedText.abbreviate(first.aggregateId()) + "; its events wait: "
						+ UntrustedText.abbreviate(rootMessage(ex), 512));
				closeDeclareChannel();
				forgetDeclarations();
				continue;
			}
			try {
				String exchange = PerAggregateNames.aggregateExchange(first.aggregateType(), first.aggregateId());
				for (EventEnvelope event : aggregateEvents) {
					long seqNo = channel.publish(exchange, "", true, EventMessages.properties(event.metadata()),
							EventMessages.body(event));
					published.put(seqNo, event.metadata());
				}
				if (!this.announcements.isFresh(exchange)) {
					channel.publish(PerAggregateNames.aggregateIdsExchange(first.aggregateType()), "", false,
							EventMessages.persistent(), first.aggregateId().getBytes(StandardCharsets.UTF_8));
					this.announcements.declared(exchange);
				}
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Relay channel failed while sending " + first.aggregateType() + "-"
						+ UntrustedText.abbreviate(first.aggregateId()), ex);
				channelFailed = true;
			}
		}
		long upTo = channel.lastPublished();
		boolean failed = channelFailed;
		return Publishing.of(() -> awaitConfirms(channel, upTo, published, failed, result),
				() -> channel.isSettled(upTo));
	}

	private SendOutcomes awaitConfirms(ConfirmingChannel channel, long upTo, Map<Long, EventMetadata> published,
			boolean channelFailed, SendOutcomes result) {
		Set<String> messageIds = new HashSet<>();
		published.values().forEach((metadata) -> messageIds.add(metadata.eventId().toString()));
		ConfirmingChannel.Confirms confirms = channel.awaitConfirms(upTo, messageIds, this.confirmTimeout);
		boolean stale = false;
		for (Map.Entry<Long, EventMetadata> entry : published.entrySet()) {
			UUID eventId = entry.getValue().eventId();
			SendOutcome outcome = confirms.outcome(entry.getKey(), eventId.toString(), SendOutcome.RETURNED);
			stale = stale || outcome == SendOutcome.RETURNED;
			result.put(eventId, outcome);
		}
		if (channelFailed || !channel.isOpen()) {
			result.unreachable();
		}
		if (stale || channelFailed || !channel.isOpen()) {
			forgetDeclarations();
		}
		if (!channel.isOpen() && this.channel == channel) {
			closeChannel();
		}
		return result;
	}

	/**
	 * Declares what is not fresh. What is due for renewal is declared again without the
	 * relay waiting: the exchanges and the binding with {@code nowait}, the queue with an
	 * ordinary declaration whose reply is not awaited (the broker resets a queue's expiry
	 * only when it answers a declaration). The broker handles them in order, so a queue
	 * deleted by hand is created and bound again (the event that found it missing may go
	 * to the other services' queues only: the gap is repaired from the log). Anything
	 * else is declared and bound, each reply awaited.
	 */
	private void declare(Channel channel, String aggregateType, String aggregateId, Set<String> services)
			throws IOException {
		String aggregateIds = PerAggregateNames.aggregateIdsExchange(aggregateType);
		DeclarationCache.State idsState = this.declarations.state(aggregateIds);
		if (idsState != DeclarationCache.State.FRESH) {
			boolean renewal = idsState == DeclarationCache.State.DUE;
			declareExchange(channel, aggregateIds, false, renewal);
			this.declarations.declared(aggregateIds);
			this.metrics.declared(aggregateType, "exchange", renewal);
		}
		String exchange = PerAggregateNames.aggregateExchange(aggregateType, aggregateId);
		boolean exchangeDeclared = false;
		for (String service : services) {
			String queue = PerAggregateNames.aggregateQueue(aggregateType, aggregateId, service);
			DeclarationCache.State state = this.declarations.state(queue);
			if (state == DeclarationCache.State.FRESH) {
				continue;
			}
			boolean renewal = state == DeclarationCache.State.DUE;
			if (!exchangeDeclared) {
				declareExchange(channel, exchange, true, renewal);
				exchangeDeclared = true;
				this.metrics.declared(aggregateType, "exchange", renewal);
			}
			if (renewal) {
				channel.asyncCompletableRpc(new AMQP.Queue.Declare.Builder().queue(queue)
					.durable(true)
					.arguments(this.queueArguments)
					.build());
				channel.queueBindNoWait(queue, exchange, "", null);
			}
			else {
				channel.queueDeclare(queue, true, false, false, this.queueArguments);
				channel.queueBind(queue, exchange, "");
			}
			this.declarations.declared(queue);
			this.metrics.declared(aggregateType, "queue", renewal);
		}
	}

	/**
	 * Declares a durable fanout exchange, without waiting for the reply when it is a
	 * renewal.
	 */
	private static void declareExchange(Channel channel, String exchange, boolean autoDelete, boolean renewal)
			throws IOException {
		if (renewal) {
			channel.exchangeDeclareNoWait(exchange, "fanout", true, autoDelete, false, null);
		}
		else {
			channel.exchangeDeclare(exchange, "fanout", true, autoDelete, null);
		}
	}

	private Channel declareChannel() throws IOException {
		Channel channel = this.declareChannel;
		if (channel != null && !channel.isOpen()) {
			// a renewal not awaited may be what the broker refused
			logger.warn("The channel declaring per-aggregate queues was closed ("
					+ UntrustedText.abbreviate(String.valueOf(channel.getCloseReason()), 512)
					+ "); every declaration is made again");
			forgetDeclarations();
			channel = null;
		}
		if (channel == null) {
			channel = RawChannels.open(this.connectionFactory);
			this.declareChannel = channel;
		}
		return channel;
	}

	private void closeDeclareChannel() {
		Channel channel = this.declareChannel;
		this.declareChannel = null;
		RawChannels.close(channel);
	}

	private void forgetDeclarations() {
		this.declarations.clear();
		this.announcements.clear();
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage());
	}

	private ConfirmingChannel channel() throws IOException {
		ConfirmingChannel channel = this.channel;
		if (channel == null || !channel.isOpen()) {
			closeChannel();
			forgetDeclarations();
			channel = ConfirmingChannel.open(this.connectionFactory);
			this.channel = channel;
		}
		return channel;
	}

	private void closeChannel() {
		ConfirmingChannel channel = this.channel;
		this.channel = null;
		if (channel != null) {
			channel.close();
		}
	}

	private static Map<String, List<EventEnvelope>> groupByAggregate(List<EventEnvelope> events) {
		Map<String, List<EventEnvelope>> byAggregate = new LinkedHashMap<>();
		for (EventEnvelope event : events) {
			EventMetadata metadata = event.metadata();
			byAggregate
				.computeIfAbsent(metadata.aggregateType() + "\u0000" + metadata.aggregateId(),
						(key) -> new ArrayList<>())
				.add(event);
		}
		return byAggregate;
	}

	@Override
	public void close() {
		closeChannel();
		closeDeclareChannel();
	}

}
