package io.eventsource.topology.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.PartitionedNames;
import io.eventsource.topology.SendOutcome;
import io.eventsource.topology.SendOutcomes;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * The partitioned topology: every event is published, with {@code mandatory}, to the
 * durable direct exchange {@code {Type}} with its aggregate's bucket as routing key (see
 * {@link PartitionedNames}); each listening service has bound every bucket to one of its
 * partition queues. Events of one aggregate go out on one channel in sequence order, so
 * they reach each service's partition in that order.
 * <p>
 * Only the exchange is declared here, once per channel; the relay needs no registry. An
 * event the broker returns as unroutable found no service listening on this topology: it
 * counts as {@link SendOutcome#NO_SUBSCRIBERS}, and a service deployed later catches up
 * from the log.
 */
public class PartitionedTopology implements EventTopology, AutoCloseable {

	private static final Log logger = LogFactory.getLog(PartitionedTopology.class);

	private final ConnectionFactory connectionFactory;

	private final Duration confirmTimeout;

	private final TopologyMetrics metrics;

	private final Set<String> declaredExchanges = new HashSet<>();

	private @Nullable ConfirmingChannel channel;

	public PartitionedTopology(ConnectionFactory connectionFactory, Duration confirmTimeout,
			MeterRegistry meterRegistry) {
		this.connectionFactory = connectionFactory;
		this.confirmTimeout = confirmTimeout;
		this.metrics = new TopologyMetrics(meterRegistry);
	}

	@Override
	public SendOutcomes send(List<EventEnvelope> events) {
		return publish(events).await();
	}

	@Override
	public Publishing publish(List<EventEnvelope> events) {
		SendOutcomes result = new SendOutcomes();
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
		try {
			for (EventEnvelope event : events) {
				EventMetadata metadata = event.metadata();
				String exchange = PartitionedNames.exchange(metadata.aggregateType());
				if (this.declaredExchanges.add(exchange)) {
					channel.declareExchange(exchange, "direct");
					this.metrics.declared(metadata.aggregateType(), "exchange");
				}
				long seqNo = channel.publish(exchange, PartitionedNames.routingKey(metadata.aggregateId()), true,
						EventMessages.properties(metadata), EventMessages.body(event));
				published.put(seqNo, metadata);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Relay channel failed while publishing to the partitioned topology", ex);
			this.declaredExchanges.clear();
			result.unreachable();
		}
		long upTo = channel.lastPublished();
		return Publishing.of(() -> awaitConfirms(channel, upTo, published, result), () -> channel.isSettled(upTo));
	}

	private SendOutcomes awaitConfirms(ConfirmingChannel channel, long upTo, Map<Long, EventMetadata> published,
			SendOutcomes result) {
		Set<String> messageIds = new HashSet<>();
		published.values().forEach((metadata) -> messageIds.add(metadata.eventId().toString()));
		ConfirmingChannel.Confirms confirms = channel.awaitConfirms(upTo, messageIds, this.confirmTimeout);
		published.forEach((seqNo, metadata) -> result.put(metadata.eventId(),
				confirms.outcome(seqNo, metadata.eventId().toString(), SendOutcome.NO_SUBSCRIBERS)));
		if (!channel.isOpen()) {
			result.unreachable();
			if (this.channel == channel) {
				closeChannel();
			}
		}
		return result;
	}

	private ConfirmingChannel channel() throws IOException {
		ConfirmingChannel channel = this.channel;
		if (channel == null || !channel.isOpen()) {
			closeChannel();
			channel = ConfirmingChannel.open(this.connectionFactory);
			this.channel = channel;
		}
		return channel;
	}

	private void closeChannel() {
		ConfirmingChannel channel = this.channel;
		this.channel = null;
		this.declaredExchanges.clear();
		if (channel != null) {
			channel.close();
		}
	}

	@Override
	public void close() {
		closeChannel();
	}

}
