package io.eventsource.topology.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import io.eventsource.topology.SendOutcome;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * A RabbitMQ channel of the relay's own, in publisher-confirm mode, that tracks the
 * confirm and the return of every message it publishes. It is opened on the application's
 * Spring AMQP connection (so every {@code spring.rabbitmq.*} setting applies) but outside
 * Spring's channel cache, since a channel closed by the broker on a missing exchange must
 * not be handed to anyone else.
 * <p>
 * One relay thread publishes and waits; the connection's thread delivers confirms and
 * returns. All tracking state is guarded by one monitor. The relay may publish the next
 * page before it waits for the confirms of the previous one: a wait covers the messages
 * up to a publish sequence number. A wait that times out closes the channel, so that a
 * late confirm or return can never be counted against a later page.
 */
public final class ConfirmingChannel implements AutoCloseable {

	private final Channel channel;

	private final Object monitor = new Object();

	private final TreeSet<Long> outstanding = new TreeSet<>();

	private final TreeMap<Long, Boolean> confirmed = new TreeMap<>();

	private final Set<String> returnedMessageIds = new HashSet<>();

	private boolean shutdown;

	private ConfirmingChannel(Channel channel) throws IOException {
		this.channel = channel;
		channel.confirmSelect();
		channel.addConfirmListener(new Listener());
		channel.addReturnListener((returned) -> {
			String messageId = returned.getProperties().getMessageId();
			if (messageId != null) {
				synchronized (this.monitor) {
					this.returnedMessageIds.add(messageId);
				}
			}
		});
		channel.addShutdownListener((cause) -> {
			synchronized (this.monitor) {
				this.shutdown = true;
				this.monitor.notifyAll();
			}
		});
	}

	/**
	 * Opens a channel in confirm mode on the connection of a Spring AMQP connection
	 * factory.
	 * @param connectionFactory the connection factory
	 * @return the channel
	 * @throws IOException if the channel cannot be opened
	 */
	public static ConfirmingChannel open(ConnectionFactory connectionFactory) throws IOException {
		return new ConfirmingChannel(RawChannels.open(connectionFactory));
	}

	/**
	 * Returns whether the channel can still be used.
	 * @return {@code true} when it is open
	 */
	public boolean isOpen() {
		return this.channel.isOpen();
	}

	/**
	 * Declares a durable exchange that is not deleted automatically.
	 * @param exchange the exchange name
	 * @param type the exchange type
	 * @throws IOException if the declaration fails (the channel is then closed)
	 */
	public void declareExchange(String exchange, String type) throws IOException {
		this.channel.exchangeDeclare(exchange, type, true, false, null);
	}

	/**
	 * Publishes a message and starts tracking its confirm.
	 * @param exchange the exchange
	 * @param routingKey the routing key
	 * @param mandatory whether the broker returns it when no queue takes it
	 * @param properties the message properties
	 * @param body the body
	 * @return the publish sequence number whose confirm
	 * {@link #awaitConfirms(long, Set, Duration)} reports
	 * @throws IOException if the channel fails
	 */
	public long publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties properties,
			byte[] body) throws IOException {
		long publishSeqNo = this.channel.getNextPublishSeqNo();
		synchronized (this.monitor) {
			this.outstanding.add(publishSeqNo);
		}
		this.channel.basicPublish(exchange, routingKey, mandatory, properties, body);
		return publishSeqNo;
	}

	/**
	 * Returns the publish sequence number of the last message published, {@code 0} when
	 * none was.
	 * @return the sequence number
	 */
	public long lastPublished() {
		return this.channel.getNextPublishSeqNo() - 1;
	}

	/**
	 * Waits until every message published up to a sequence number is confirmed or
	 * refused, the channel closes, or the timeout passes. On a timeout the channel is
	 * closed.
	 * @param upTo the last publish sequence number to wait for
	 * @param messageIds the message ids of those messages, whose returns are reported
	 * @param timeout the longest wait
	 * @return the confirms and returns of those messages
	 */
	public Confirms awaitConfirms(long upTo, Set<String> messageIds, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Confirms confirms;
		boolean timedOut = false;
		synchronized (this.monitor) {
			while (!this.outstanding.isEmpty() && this.outstanding.first() <= upTo && !this.shutdown) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					timedOut = true;
					break;
				}
				try {
					this.monitor.wait(Math.max(1, left / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					timedOut = true;
					break;
				}
			}
			Map<Long, Boolean> settled = this.confirmed.headMap(upTo, true);
			Map<Long, Boolean> acks = new HashMap<>(settled);
			settled.clear();
			this.outstanding.headSet(upTo, true).clear();
			Set<String> returned = new HashSet<>();
			for (String messageId : messageIds) {
				if (this.returnedMessageIds.remove(messageId)) {
					returned.add(messageId);
				}
			}
			confirms = new Confirms(acks, returned);
		}
		if (timedOut) {
			close();
		}
		return confirms;
	}

	/**
	 * Returns whether every message published up to a sequence number is confirmed or
	 * refused, or the channel closed: whether {@link #awaitConfirms(long, Set, Duration)}
	 * returns without waiting.
	 * @param upTo the last publish sequence number
	 * @return {@code true} when nothing up to it is outstanding
	 */
	public boolean isSettled(long upTo) {
		synchronized (this.monitor) {
			return this.shutdown || this.outstanding.isEmpty() || this.outstanding.first() > upTo;
		}
	}

	@Override
	public void close() {
		RawChannels.close(this.channel);
	}

	private void settle(long deliveryTag, boolean multiple, boolean ack) {
		synchronized (this.monitor) {
			if (multiple) {
				Set<Long> settled = this.outstanding.headSet(deliveryTag, true);
				settled.forEach((tag) -> this.confirmed.put(tag, ack));
				settled.clear();
			}
			else if (this.outstanding.remove(deliveryTag)) {
				this.confirmed.put(deliveryTag, ack);
			}
			this.monitor.notifyAll();
		}
	}

	/**
	 * The confirms of one round of publishing.
	 *
	 * @param acks the confirm of each publish sequence number that was settled:
	 * {@code true} for an ack, {@code false} for a nack; a number missing from the map
	 * was not confirmed
	 * @param returnedMessageIds the message ids the broker returned as unroutable
	 */
	public record Confirms(Map<Long, Boolean> acks, Set<String> returnedMessageIds) {

		/**
		 * Returns whether a message was acknowledged by the broker.
		 * @param publishSeqNo its publish sequence number
		 * @return {@code true} for an ack
		 */
		public boolean acked(long publishSeqNo) {
			return Boolean.TRUE.equals(this.acks.get(publishSeqNo));
		}

		/**
		 * Returns whether a message was refused by the broker.
		 * @param publishSeqNo its publish sequence number
		 * @return {@code true} for a nack
		 */
		public boolean nacked(long publishSeqNo) {
			return Boolean.FALSE.equals(this.acks.get(publishSeqNo));
		}

		/**
		 * Returns what became of one message.
		 * @param publishSeqNo its publish sequence number
		 * @param messageId its message id
		 * @param whenReturned the outcome of a message the broker returned as unroutable
		 * @return the outcome
		 */
		public SendOutcome outcome(long publishSeqNo, String messageId, SendOutcome whenReturned) {
			if (this.returnedMessageIds.contains(messageId)) {
				return whenReturned;
			}
			if (acked(publishSeqNo)) {
				return SendOutcome.CONFIRMED;
			}
			return nacked(publishSeqNo) ? SendOutcome.NACKED : SendOutcome.FAILED;
		}

	}

	private final class Listener implements ConfirmListener {

		@Override
		public void handleAck(long deliveryTag, boolean multiple) {
			settle(deliveryTag, multiple, true);
		}

		@Override
		public void handleNack(long deliveryTag, boolean multiple) {
			settle(deliveryTag, multiple, false);
		}

	}

}
