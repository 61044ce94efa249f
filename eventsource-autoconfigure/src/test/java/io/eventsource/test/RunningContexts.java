package io.eventsource.test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Several services of one test, each an application context started from its runner and
 * kept running until the test closes them, without nesting one runner's callback in
 * another's: {@code try (RunningContexts services = new RunningContexts()) { var orders =
 * services.start(...); var billing = services.start(...); ... }}. Closing closes them in
 * the reverse order of their start, also when the test failed.
 */
public final class RunningContexts implements AutoCloseable {

	private static final long START_TIMEOUT_MINUTES = 3;

	private final Deque<Running> running = new ArrayDeque<>();

	/**
	 * Starts a context and returns it once it is refreshed (or failed to start: see
	 * {@link AssertableApplicationContext#getStartupFailure()}).
	 * @param runner the runner of the service
	 * @return the running context, valid until {@link #close()}
	 * @throws Exception if the context did not come up in time
	 */
	public AssertableApplicationContext start(ApplicationContextRunner runner) throws Exception {
		CompletableFuture<AssertableApplicationContext> started = new CompletableFuture<>();
		CountDownLatch release = new CountDownLatch(1);
		// the runner closes its context when its callback returns: the callback waits on
		// a thread of its own until this fixture closes
		Thread thread = new Thread(() -> {
			try {
				runner.run((context) -> {
					started.complete(context);
					release.await();
				});
			}
			catch (Throwable ex) {
				started.completeExceptionally(ex);
			}
		}, "running-context-" + this.running.size());
		thread.start();
		AssertableApplicationContext context;
		try {
			context = started.get(START_TIMEOUT_MINUTES, TimeUnit.MINUTES);
		}
		catch (Exception ex) {
			release.countDown();
			throw ex;
		}
		this.running.push(new Running(thread, release, context));
		return context;
	}

	/**
	 * Closes the contexts started after a given one, the last one first, so that a test
	 * can clean up what they declared with the earlier ones still running.
	 * @param context a context this fixture started
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void closeAfter(AssertableApplicationContext context) throws InterruptedException {
		while (!this.running.isEmpty() && this.running.peek().context() != context) {
			closeLast();
		}
	}

	/**
	 * Closes every context this fixture started, the last one first, and waits until each
	 * is closed.
	 * @throws InterruptedException if interrupted while waiting
	 */
	@Override
	public void close() throws InterruptedException {
		while (!this.running.isEmpty()) {
			closeLast();
		}
	}

	private void closeLast() throws InterruptedException {
		Running last = this.running.pop();
		last.release().countDown();
		last.thread().join(TimeUnit.MINUTES.toMillis(1));
	}

	private record Running(Thread thread, CountDownLatch release, AssertableApplicationContext context) {

	}

}
