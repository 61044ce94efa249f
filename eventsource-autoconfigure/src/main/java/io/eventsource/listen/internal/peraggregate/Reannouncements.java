package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.store.internal.AggregateRef;
import io.eventsource.topology.PerAggregateNames;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Puts the ids of aggregates back on this service's aggregate ids queues when their
 * consumer here ended with events left in their queue, so that a consumer here or in
 * another instance takes the aggregate again. An id that cannot be announced (the broker
 * is away) waits for the next round; the failure is logged once per outage, not once per
 * aggregate and attempt.
 */
final class Reannouncements {

	private static final Log logger = LogFactory.getLog(Reannouncements.class);

	private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder().deliveryMode(2).build();

	private final String service;

	private final Declarations declarations;

	/** The aggregates to announce in the next round, in the order they ended. */
	private final Set<AggregateRef> waiting = new LinkedHashSet<>();

	private volatile boolean failing;

	/**
	 * Creates the re-announcements of a service.
	 * @param service the service, whose ids queues get the ids
	 * @param declarations the channel to publish on
	 */
	Reannouncements(String service, Declarations declarations) {
		this.service = service;
		this.declarations = declarations;
	}

	/**
	 * Has an aggregate announced in the next round.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 */
	void later(String aggregateType, String aggregateId) {
		synchronized (this.waiting) {
			this.waiting.add(new AggregateRef(aggregateType, aggregateId));
		}
	}

	/**
	 * Announces an aggregate now; when it cannot, in the next round.
	 * @param aggregateType the aggregate type
	 * @param aggregateId the aggregate id
	 * @return whether it was announced
	 */
	boolean now(String aggregateType, String aggregateId) {
		try {
			this.declarations.channel()
				.basicPublish("", PerAggregateNames.aggregateIdsQueue(aggregateType, this.service), PERSISTENT,
						aggregateId.getBytes(StandardCharsets.UTF_8));
			if (this.failing) {
				this.failing = false;
				logger.info("Aggregates are announced again");
			}
			return true;
		}
		catch (IOException | RuntimeException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn("Could not announce " + aggregateType + "-" + UntrustedText.abbreviate(aggregateId)
						+ " again; retrying it and the others until the broker answers: "
						+ UntrustedText.abbreviate(String.valueOf(ex), 512));
			}
			later(aggregateType, aggregateId);
			return false;
		}
	}

	/**
	 * Announces the aggregates that wait, in order, and stops at the first that cannot be
	 * (the others would fail the same way, each with a connection attempt).
	 */
	void round() {
		List<AggregateRef> aggregates;
		synchronized (this.waiting) {
			aggregates = new ArrayList<>(this.waiting);
		}
		for (AggregateRef aggregate : aggregates) {
			if (!now(aggregate.type(), aggregate.id())) {
				return;
			}
			synchronized (this.waiting) {
				this.waiting.remove(aggregate);
			}
		}
	}

	/**
	 * The channel to publish the ids on.
	 */
	@FunctionalInterface
	interface Declarations {

		/**
		 * Returns the channel.
		 * @return an open channel
		 * @throws IOException when there is none
		 */
		Channel channel() throws IOException;

	}

}
