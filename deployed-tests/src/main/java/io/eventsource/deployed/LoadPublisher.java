package io.eventsource.deployed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.eventsource.publish.EventPublisher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes events at a steady rate, round robin over its aggregates of both types, a
 * transaction of {@code deployed.events-per-transaction} events at a time, until the file
 * {@code deployed.stop-file} exists. A transaction that fails (its database or the broker
 * is down) published nothing; it is tried again after a pause, so the outbox holds
 * exactly what was published. Prints {@code PUBLISHED n} every 100 events.
 */
@Component
@Profile("publisher")
class LoadPublisher implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(LoadPublisher.class);

	private final EventPublisher events;

	private final TransactionTemplate transactions;

	private final String prefix;

	private final int aggregates;

	private final int perSecond;

	private final int perTransaction;

	private final Path stopFile;

	LoadPublisher(EventPublisher events, TransactionTemplate transactions,
			@Value("${deployed.id-prefix}") String prefix, @Value("${deployed.aggregates:20}") int aggregates,
			@Value("${deployed.rate:50}") int perSecond,
			@Value("${deployed.events-per-transaction:1}") int perTransaction,
			@Value("${deployed.stop-file}") Path stopFile) {
		this.events = events;
		this.transactions = transactions;
		this.prefix = prefix;
		this.aggregates = aggregates;
		this.perSecond = perSecond;
		this.perTransaction = perTransaction;
		this.stopFile = stopFile;
	}

	@Override
	public void run(ApplicationArguments args) {
		Thread load = new Thread(this::publish, "deployed-load");
		load.start();
	}

	private void publish() {
		long published = 0;
		long intervalNanos = TimeUnit.SECONDS.toNanos(1) * this.perTransaction / this.perSecond;
		long next = System.nanoTime();
		while (!Files.exists(this.stopFile)) {
			LockSupport.parkNanos(next - System.nanoTime());
			next += intervalNanos;
			long first = published;
			try {
				this.transactions.executeWithoutResult((status) -> {
					for (int i = 1; i <= this.perTransaction; i++) {
						publishOne(first + i);
					}
				});
				published += this.perTransaction;
				if (published % 100 < this.perTransaction) {
					System.out.println("PUBLISHED " + published);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Publishing failed, tried again in 1 s: " + ex.getClass().getSimpleName());
				LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
				next = System.nanoTime();
			}
		}
		System.out.println("STOPPED " + published);
	}

	private void publishOne(long step) {
		int aggregate = (int) (step % (2L * this.aggregates));
		if (aggregate % 2 == 0) {
			this.events.publish(DeployedEvents.ORDER, this.prefix + (aggregate / 2),
					new DeployedEvents.OrderStepped(step));
		}
		else {
			this.events.publish(DeployedEvents.PAYMENT, this.prefix + (aggregate / 2),
					new DeployedEvents.PaymentStepped(step));
		}
	}

}
