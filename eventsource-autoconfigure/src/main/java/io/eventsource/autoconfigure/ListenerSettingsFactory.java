package io.eventsource.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.listen.internal.catchup.CatchUpSettings;
import io.eventsource.listen.internal.dispatch.ParkingPolicy;
import io.eventsource.listen.internal.lane.ListenerSettings;
import io.eventsource.listen.internal.lane.RetryBackoff;
import io.eventsource.listen.internal.partitioned.PartitionSettings;
import io.eventsource.listen.internal.peraggregate.PerAggregateSettings;

/**
 * Turns the {@code eventsource.*} properties into the settings the listening machinery
 * takes, with the messages that name the property at fault.
 */
final class ListenerSettingsFactory {

	private ListenerSettingsFactory() {
	}

	static ParkingPolicy parkingPolicy(EventSourceProperties.Listener listener) {
		Map<String, Integer> maxAttempts = new LinkedHashMap<>();
		listener.getRetry().getProjections().forEach((projection, retry) -> {
			if (retry.getMaxAttempts() != null) {
				maxAttempts.put(projection, retry.getMaxAttempts());
			}
		});
		return new ParkingPolicy(listener.getRetry().getMaxAttempts(), maxAttempts, listener.getMaxPayloadSize(),
				listener.getMalformed().getMaxParked());
	}

	static RetryBackoff retryBackoff(EventSourceProperties.Listener.Retry retry) {
		Map<String, RetryBackoff> byProjection = new LinkedHashMap<>();
		retry.getProjections().forEach((projection, own) -> {
			Duration initialDelay = Objects.requireNonNullElse(own.getInitialDelay(), retry.getInitialDelay());
			// an initial delay set alone longer than the default maximum is its own
			// maximum
			Duration maxDelay = (own.getMaxDelay() != null) ? own.getMaxDelay()
					: (initialDelay.compareTo(retry.getMaxDelay()) > 0) ? initialDelay : retry.getMaxDelay();
			try {
				byProjection.put(projection, new RetryBackoff(initialDelay,
						Objects.requireNonNullElse(own.getMultiplier(), retry.getMultiplier()), maxDelay));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"eventsource.listener.retry.projections." + projection + ": " + ex.getMessage(), ex);
			}
		});
		return new RetryBackoff(retry.getInitialDelay(), retry.getMultiplier(), retry.getMaxDelay(), byProjection);
	}

	static ListenerSettings listenerSettings(ServiceName serviceName, EventSourceProperties properties) {
		EventSourceProperties.Listener listener = properties.getListener();
		return new ListenerSettings(serviceName.value(), listener.getPrefetch(), listener.getConcurrency(),
				listener.getMaxBatch(), listener.getRedeliveryDelay(), retryBackoff(listener.getRetry()),
				listener.getShutdownTimeout());
	}

	static PerAggregateSettings perAggregateSettings(ServiceName serviceName, EventSourceProperties properties) {
		EventSourceProperties.PerAggregate perAggregate = properties.getPerAggregate();
		return new PerAggregateSettings(listenerSettings(serviceName, properties), perAggregate.getQueueExpiry(),
				perAggregate.getIdsQueueExpiry(), perAggregate.getIdsQueueMaxLength(),
				perAggregate.getConsumerIdleTimeout(), properties.getListener().getMaxAggregates(),
				properties.getRegistry().getHeartbeatInterval());
	}

	static PartitionSettings partitionSettings(EventSourceProperties properties) {
		EventSourceProperties.Partitioned partitioned = properties.getPartitioned();
		Map<String, Integer> partitionsByType = new LinkedHashMap<>();
		properties.getAggregateTypes().forEach((type, settings) -> {
			if (settings.getPartitions() != null) {
				partitionsByType.put(type, settings.getPartitions());
			}
		});
		return new PartitionSettings(partitioned.getPartitions(), partitionsByType, partitioned.getQueueType(),
				partitioned.getPrefetch(), partitioned.getRebalanceInterval());
	}

	static CatchUpSettings catchUpSettings(ServiceName serviceName, EventSourceProperties properties) {
		EventSourceProperties.Replay replay = properties.getReplay();
		return new CatchUpSettings(serviceName.value(), replay.isCatchUpOnStart(),
				replay.getCatchUpFrom() == EventSourceProperties.CatchUpStart.BEGINNING, replay.getCatchUpHorizon(),
				properties.getListener().getMaxBatch(), properties.getListener().getRedeliveryDelay(),
				replay.getCatchUpInterval());
	}

}
