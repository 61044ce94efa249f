package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;

import com.rabbitmq.client.Channel;
import io.eventsource.listen.internal.lane.ChannelAcks;
import io.eventsource.topology.internal.RawChannels;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * The channels of a per-aggregate listener container: a few channels that its
 * per-aggregate consumers share, and one for declarations.
 * <p>
 * Sharing lets one {@code multiple} ack settle the events of several aggregates applied
 * in one transaction, and the broker serve a few channels instead of one per aggregate. A
 * declaration the broker refuses closes the channel it was made on, so declarations go on
 * a channel of their own and never end the consumers of a shared one. A channel that
 * closed is replaced by the next call that needs it; the consumers it carried find
 * themselves closed and end.
 */
final class AggregateChannels {

	/** How many channels the per-aggregate consumers share. */
	static final int SHARED = 4;

	private final ConnectionFactory connectionFactory;

	private final ScheduledExecutorService scheduler;

	private final int prefetch;

	private final String service;

	private final @Nullable Consuming[] shared = new Consuming[SHARED];

	private int next;

	private @Nullable Channel declaring;

	private boolean closed;

	/**
	 * Creates the channels, none open yet.
	 * @param connectionFactory the connection factory
	 * @param scheduler releases acknowledgements held too long
	 * @param prefetch the unacknowledged deliveries per consumer
	 * @param service this service, for the log
	 */
	AggregateChannels(ConnectionFactory connectionFactory, ScheduledExecutorService scheduler, int prefetch,
			String service) {
		this.connectionFactory = connectionFactory;
		this.scheduler = scheduler;
		this.prefetch = prefetch;
		this.service = service;
	}

	/**
	 * Returns the next shared channel to consume on, in turn, opening it if needed.
	 * @return an open channel with its acknowledgements
	 * @throws IOException if no channel can be opened
	 */
	synchronized Consuming forConsumer() throws IOException {
		assertOpen();
		int index = this.next;
		this.next = (this.next + 1) % SHARED;
		Consuming consuming = this.shared[index];
		if (consuming == null || !consuming.channel().isOpen()) {
			Channel channel = RawChannels.open(this.connectionFactory);
			try {
				// applies to each consumer started on the channel afterwards
				channel.basicQos(this.prefetch);
			}
			catch (IOException | RuntimeException ex) {
				RawChannels.close(channel);
				throw ex;
			}
			consuming = new Consuming(channel,
					new ChannelAcks(channel, "per-aggregate channel " + index + " of " + this.service, this.scheduler));
			this.shared[index] = consuming;
		}
		return consuming;
	}

	/**
	 * Returns the channel for declaring the consumers' queues and announcing aggregates
	 * again, opening it if needed. A refused declaration closes it; the next call opens
	 * another. Passive declarations, which the broker refuses for a queue gone, belong on
	 * channels of their own.
	 * @return an open channel
	 * @throws IOException if no channel can be opened
	 */
	synchronized Channel forDeclarations() throws IOException {
		assertOpen();
		Channel channel = this.declaring;
		if (channel == null || !channel.isOpen()) {
			channel = RawChannels.open(this.connectionFactory);
			this.declaring = channel;
		}
		return channel;
	}

	/**
	 * Acknowledges what is done on each shared channel and closes every channel; what is
	 * still unacknowledged goes back to its queue. Called once every consumer has ended.
	 */
	synchronized void close() {
		this.closed = true;
		for (int i = 0; i < SHARED; i++) {
			Consuming consuming = this.shared[i];
			if (consuming != null) {
				consuming.acks().release();
				RawChannels.close(consuming.channel());
				this.shared[i] = null;
			}
		}
		RawChannels.close(this.declaring);
		this.declaring = null;
	}

	private void assertOpen() throws IOException {
		if (this.closed) {
			throw new IOException("The listener container of " + this.service + " stopped");
		}
	}

	/**
	 * A shared channel and the acknowledgements of the deliveries it carries.
	 *
	 * @param channel the channel
	 * @param acks its acknowledgements
	 */
	record Consuming(Channel channel, ChannelAcks acks) {
	}

}
