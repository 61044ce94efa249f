package io.eventsource.listen.internal.peraggregate;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.rabbitmq.client.Channel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Tests for {@link WaitingLeases}, over a mocked connection.
 */
class WaitingLeasesTests {

	private final ConnectionFactory connectionFactory = mock(ConnectionFactory.class);

	private final Channel channel = mock(Channel.class);

	@SuppressWarnings("unchecked")
	private final Supplier<List<String>> waitingQueues = mock(Supplier.class);

	@BeforeEach
	void connect() throws IOException {
		Connection connection = mock(Connection.class);
		com.rabbitmq.client.Connection delegate = mock(com.rabbitmq.client.Connection.class);
		given(this.connectionFactory.createConnection()).willReturn(connection);
		given(connection.getDelegate()).willReturn(delegate);
		given(delegate.createChannel()).willReturn(this.channel);
		given(this.channel.isOpen()).willReturn(true);
	}

	@Test
	void nothingIsRenewedBeforeAThirdOfTheExpiry() {
		new WaitingLeases(this.connectionFactory, Duration.ofHours(1)).renewIfDue(this.waitingQueues);
		verifyNoInteractions(this.waitingQueues, this.connectionFactory);
	}

	@Test
	void aDueRenewalDeclaresEveryWaitingQueuePassivelyOnAChannelOfItsOwn() throws IOException, TimeoutException {
		given(this.waitingQueues.get()).willReturn(List.of("Order-1-billing", "Order-2-billing"));
		new WaitingLeases(this.connectionFactory, Duration.ZERO).renewIfDue(this.waitingQueues);
		InOrder inOrder = inOrder(this.channel);
		inOrder.verify(this.channel).queueDeclarePassive("Order-1-billing");
		inOrder.verify(this.channel).queueDeclarePassive("Order-2-billing");
		inOrder.verify(this.channel).close();
	}

	@Test
	void withNoQueueWaitingNoChannelIsOpened() {
		given(this.waitingQueues.get()).willReturn(List.of());
		new WaitingLeases(this.connectionFactory, Duration.ZERO).renewIfDue(this.waitingQueues);
		verify(this.waitingQueues).get();
		verifyNoInteractions(this.connectionFactory);
	}

	@Test
	void aQueueGoneEndsTheRenewalWithoutFailingAndTheNextOneTriesAgain() throws IOException, TimeoutException {
		given(this.waitingQueues.get()).willReturn(List.of("Order-1-billing", "Order-2-billing"));
		given(this.channel.queueDeclarePassive("Order-1-billing")).willThrow(new IOException("NOT_FOUND"));
		WaitingLeases leases = new WaitingLeases(this.connectionFactory, Duration.ZERO);
		assertThatNoException().isThrownBy(() -> leases.renewIfDue(this.waitingQueues));
		leases.renewIfDue(this.waitingQueues);
		verify(this.channel, times(2)).queueDeclarePassive("Order-1-billing");
		verify(this.channel, never()).queueDeclarePassive("Order-2-billing");
		verify(this.channel, times(2)).close();
	}

}
