package io.eventsource.faults;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import io.eventsource.test.FastTimings;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestTopology;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A listening service in a process of its own, for the tests that kill it:
 * {@code ListenerProcess <service> <hangOn> <property>...}. It prints {@code READY} once
 * it consumes, and runs until it is killed.
 */
public final class ListenerProcess {

	private ListenerProcess() {
	}

	public static void main(String[] args) throws InterruptedException {
		String service = args[0];
		int hangOn = Integer.parseInt(args[1]);
		String[] properties = Arrays.copyOfRange(args, 2, args.length);
		CountDownLatch forever = new CountDownLatch(1);
		EventSourceContexts.runner(properties, service)
			.withPropertyValues(FastTimings.PROPERTIES)
			.withBean(FaultEvents.Ledger.class, () -> new FaultEvents.Ledger("child", hangOn))
			.run((context) -> {
				try {
					Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> TestTopology.isConsuming(context));
				}
				catch (ConditionTimeoutException ex) {
					// reported below
				}
				System.out.println(TestTopology.isConsuming(context) ? "READY" : "NOT_CONSUMING");
				System.out.flush();
				forever.await();
			});
	}

}
