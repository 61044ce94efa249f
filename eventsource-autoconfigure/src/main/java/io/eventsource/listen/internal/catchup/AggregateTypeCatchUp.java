package io.eventsource.listen.internal.catchup;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventsource.envelope.internal.CloudEventsAmqpBinding;
import io.eventsource.envelope.internal.InvalidEventHeadersException;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.listen.internal.dispatch.ReceivedEvent;
import io.eventsource.replay.internal.CatchUpCursor;
import io.eventsource.replay.internal.ReplayNames;
import io.eventsource.replay.internal.ReplayRequester;
import io.eventsource.store.internal.ConsumerStateRepository;
import io.eventsource.topology.internal.RawChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Catches up one aggregate type from the producers' logs, on the caller's thread: asks
 * every producer for the events after this service's cursor in its log, into a queue of
 * the run's own (server-named, gone with its channel), applies each producer's page with
 * a {@link CatchUpPageApplier}, and only then saves that producer's new cursor and asks
 * it for the next page, until no producer answers for a while or the catch-up stops. A
 * cursor is never saved past a page that was not applied.
 */
class AggregateTypeCatchUp {

	// the catch-up's category: its operators configure that one
	private static final Log logger = LogFactory.getLog(CatchUp.class);

	private static final Duration QUIET = Duration.ofSeconds(3);

	private final ConnectionFactory connectionFactory;

	private final ConsumerStateRepository state;

	private final ReplayRequester requester;

	private final CatchUpSettings settings;

	private final Clock clock;

	private final CatchUpPageApplier pages;

	private final BooleanSupplier running;

	/**
	 * Creates the catch-up of an aggregate type.
	 * @param connectionFactory the broker's connection factory
	 * @param state where the cursors are kept
	 * @param requester asks the producers
	 * @param settings how the service catches up
	 * @param clock the clock of the cursors' saves
	 * @param pages applies the pages
	 * @param running whether the catch-up still runs: a run ends once it does not
	 */
	AggregateTypeCatchUp(ConnectionFactory connectionFactory, ConsumerStateRepository state, ReplayRequester requester,
			CatchUpSettings settings, Clock clock, CatchUpPageApplier pages, BooleanSupplier running) {
		this.connectionFactory = connectionFactory;
		this.state = state;
		this.requester = requester;
		this.settings = settings;
		this.clock = clock;
		this.pages = pages;
		this.running = running;
	}

	/**
	 * Catches up one aggregate type, page by page, until no producer answers for a while.
	 * @param aggregateType the aggregate type
	 * @param answered takes the producers that answered
	 * @return whether every page was applied
	 * @throws IOException if the broker cannot be asked
	 * @throws InterruptedException if the thread is interrupted while it waits
	 */
	boolean run(String aggregateType, Set<String> answered) throws IOException, InterruptedException {
		BlockingQueue<Received> received = new LinkedBlockingQueue<>();
		Channel channel = RawChannels.open(this.connectionFactory);
		try {
			String queue = channel.queueDeclare().getQueue();
			channel.basicConsume(queue, true, new DefaultConsumer(channel) {

				@Override
				public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
						byte[] body) {
					received.add(new Received(properties, body));
				}

			});
			String prefix = consumerPrefix(aggregateType);
			Map<String, CatchUpCursor> cursors = new HashMap<>();
			this.state.cursors(prefix)
				.forEach((name, cursor) -> cursors.put(name.substring(prefix.length()), CatchUpCursor.parse(cursor)));
			this.requester.catchUp(aggregateType, cursors, this.settings.fromBeginning(), null, queue);
			List<ReceivedEvent> page = new ArrayList<>();
			int applied = 0;
			Received next;
			while (this.running.getAsBoolean()
					&& (next = received.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)) != null) {
				Map<String, Object> headers = (next.properties().getHeaders() != null) ? next.properties().getHeaders()
						: Map.of();
				if (ReplayNames.END.equals(String.valueOf(headers.get(ReplayNames.KIND)))) {
					if (!this.pages.apply(page)) {
						return false;
					}
					applied += page.size();
					page.clear();
					String producer = String.valueOf(headers.get(ReplayNames.PRODUCER));
					answered.add(producer);
					CatchUpCursor cursor = CatchUpCursor.parse(String.valueOf(headers.get(ReplayNames.CURSOR)));
					this.state.save(prefix + producer, cursor.toString(), this.clock.instant());
					if (Boolean.TRUE.equals(headers.get(ReplayNames.MORE))) {
						this.requester.catchUp(aggregateType, Map.of(producer, cursor), this.settings.fromBeginning(),
								producer, queue);
					}
					continue;
				}
				try {
					page.add(new ReceivedEvent(CloudEventsAmqpBinding.fromHeaders(headers), next.body()));
				}
				catch (InvalidEventHeadersException ex) {
					// the exception's message quotes header values shortened
					logger.warn("Ignored a catch-up message that is not an event: "
							+ UntrustedText.abbreviate(ex.getMessage(), 300));
				}
			}
			if (applied > 0) {
				logger.info("Caught up " + applied + " events of " + aggregateType + " from the producers' logs");
			}
			return page.isEmpty() || this.pages.apply(page);
		}
		finally {
			RawChannels.close(channel);
		}
	}

	private String consumerPrefix(String aggregateType) {
		return this.settings.service() + "/" + aggregateType + "/";
	}

	private record Received(AMQP.BasicProperties properties, byte[] body) {
	}

}
