package io.eventsource.topology.internal;

import java.util.concurrent.CountDownLatch;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Keeps the JVM alive while the application context runs. The relay, the listener
 * containers and the replay responder work on daemon threads and on the threads of the
 * RabbitMQ client; when the broker goes away, the client's threads end, and a service
 * without a web server (or anything else on a non-daemon thread) would exit in the middle
 * of an outage it would have survived. This lifecycle holds one non-daemon thread from
 * the start of the context until it is closed, the way Spring Boot's
 * {@code spring.main.keep-alive} does, so that a deliberate stop (closing the context,
 * {@code SIGTERM}) is the only way the service stops.
 */
public class KeepAlive implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(KeepAlive.class);

	private final Object monitor = new Object();

	private @Nullable Thread thread;

	private @Nullable CountDownLatch released;

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.thread != null) {
				return;
			}
			CountDownLatch latch = new CountDownLatch(1);
			Thread holder = new Thread(() -> awaitRelease(latch), "eventsource-keep-alive");
			holder.setDaemon(false);
			holder.start();
			this.released = latch;
			this.thread = holder;
		}
	}

	private static void awaitRelease(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			logger.debug("Keep-alive thread interrupted; the JVM may now exit when nothing else holds it");
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop() {
		synchronized (this.monitor) {
			if (this.released != null) {
				this.released.countDown();
			}
			this.released = null;
			this.thread = null;
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.monitor) {
			return this.thread != null;
		}
	}

	/**
	 * Holds on while the context is paused
	 * ({@code ConfigurableApplicationContext.pause()}): a paused context is not closed,
	 * and the service would otherwise exit in the middle of the pause when nothing else
	 * holds the JVM.
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

	/**
	 * Starts before everything else of the library and stops after it, so that no
	 * container is left running without it.
	 */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE;
	}

}
