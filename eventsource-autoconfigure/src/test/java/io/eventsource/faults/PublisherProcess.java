package io.eventsource.faults;

import java.util.Arrays;

import io.eventsource.publish.EventPublisher;
import io.eventsource.test.FastTimings;
import io.eventsource.test.EventSourceContexts;

/**
 * A publishing service in a process of its own, for the tests that kill it:
 * {@code PublisherProcess <service> <aggregate prefix> <aggregates> <property>...}. It
 * publishes events round robin over its aggregates, one transaction each, relaying them
 * itself, prints {@code PUBLISHED n} after every tenth, and runs until it is killed.
 */
public final class PublisherProcess {

	private PublisherProcess() {
	}

	public static void main(String[] args) {
		String service = args[0];
		String prefix = args[1];
		int aggregates = Integer.parseInt(args[2]);
		String[] properties = Arrays.copyOfRange(args, 3, args.length);
		EventSourceContexts.runner(properties, service)
			.withPropertyValues(FastTimings.PROPERTIES)
			.withPropertyValues("eventsource.listener.enabled=false")
			.run((context) -> {
				EventPublisher publisher = context.getBean(EventPublisher.class);
				for (int n = 1;; n++) {
					publisher.publish(FaultEvents.AGGREGATE_TYPE, prefix + (n % aggregates),
							new FaultEvents.OrderPlaced(n));
					if (n % 10 == 0) {
						System.out.println("PUBLISHED " + n);
						System.out.flush();
					}
				}
			});
	}

}
