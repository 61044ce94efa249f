package io.eventsource.publish.internal;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RelaySignalTests {

	private final RelaySignal signal = new RelaySignal();

	@Test
	void aSignalGivenBeforeTheWaitIsKeptAndConsumedOnce() {
		this.signal.signal();
		this.signal.signal();
		assertThat(this.signal.await(TimeUnit.SECONDS.toNanos(10))).isTrue();
		assertThat(this.signal.await(TimeUnit.MILLISECONDS.toNanos(1))).isFalse();
	}

	@Test
	void aSignalWakesAWaitingThread() throws InterruptedException {
		boolean[] woken = new boolean[1];
		Thread waiting = new Thread(() -> woken[0] = this.signal.await(TimeUnit.SECONDS.toNanos(30)));
		waiting.start();
		this.signal.signal();
		waiting.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(waiting.isAlive()).isFalse();
		assertThat(woken[0]).isTrue();
	}

	@Test
	void anInterruptEndsTheWaitAndStaysSet() {
		Thread.currentThread().interrupt();
		try {
			assertThat(this.signal.await(TimeUnit.SECONDS.toNanos(30))).isFalse();
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

}
