package io.eventsource.autoconfigure;

import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.listen.GapListener;
import io.eventsource.listen.internal.catchup.CatchUp;
import io.eventsource.listen.internal.catchup.GapRepair;
import io.eventsource.listen.internal.catchup.ReplayListener;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.handler.EventSourceListenerAnnotationBeanPostProcessor;
import io.eventsource.replay.internal.ReplayRequester;
import io.eventsource.replay.internal.ReplayResponder;
import io.eventsource.store.internal.ConsumerStateRepository;
import io.eventsource.store.internal.PublicMessageRepository;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Replay, unless {@code eventsource.replay.enabled=false}: the responder that answers
 * other services from this service's log and, while listening, catch-up and gap repair.
 */
@ConditionalOnBooleanProperty(name = "eventsource.replay.enabled", matchIfMissing = true)
@Configuration(proxyBeanMethods = false)
class ReplayConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReplayResponder eventSourceReplayResponder(ConnectionFactory connectionFactory, PublicMessageRepository outbox,
			ServiceName serviceName, EventSourceProperties properties) {
		return new ReplayResponder(connectionFactory, outbox, serviceName.value(),
				properties.getReplay().getMaxEvents(), properties.getRelay().getConfirmTimeout(),
				properties.getReplay().getCatchUpHorizon(), Infrastructure.CLOCK);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "eventsource.listener.enabled", matchIfMissing = true)
	static class ListeningReplayConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "eventsource.replay.enabled", matchIfMissing = true)
		ReplayRequester eventSourceReplayRequester(ConnectionFactory connectionFactory, ServiceName serviceName,
				EventSourceProperties properties) {
			return new ReplayRequester(connectionFactory, serviceName.value(), properties.getReplay().getGapTimeout(),
					System::nanoTime);
		}

		@Bean
		@ConditionalOnMissingBean(GapListener.class)
		@ConditionalOnBean(ReplayRequester.class)
		GapRepair eventSourceGapRepair(ReplayRequester requester, EventSourceProperties properties,
				ListenerMetrics metrics, ObjectProvider<CatchUp> catchUp) {
			EventSourceProperties.Replay replay = properties.getReplay();
			// giving up for no answer only while the periodic catch-up brings a real
			// event back
			GapRepair gapRepair = new GapRepair(requester, replay.getGapTimeout(),
					(replay.getCatchUpInterval().toMillis() > 0) ? replay.getMaxUnansweredRequests() : 0,
					System::nanoTime, metrics);
			gapRepair.onGivenUpUnanswered((event) -> catchUp
				.ifAvailable((available) -> available.catchUpUntilAnswered(event.aggregateType(), event.source())));
			return gapRepair;
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "eventsource.replay.enabled", matchIfMissing = true)
		ReplayListener eventSourceReplayListener(ConnectionFactory connectionFactory,
				EventSourceListenerAnnotationBeanPostProcessor listeners, EventDispatcher dispatcher,
				ListenerMetrics metrics, ServiceName serviceName, EventSourceProperties properties) {
			return new ReplayListener(connectionFactory, listeners.getEventHandlers(), dispatcher, metrics,
					ListenerSettingsFactory.listenerSettings(serviceName, properties));
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(ReplayRequester.class)
		CatchUp eventSourceCatchUp(ConnectionFactory connectionFactory,
				EventSourceListenerAnnotationBeanPostProcessor listeners, EventDispatcher dispatcher,
				ConsumerStateRepository state, ReplayRequester requester, ServiceName serviceName,
				EventSourceProperties properties) {
			return new CatchUp(connectionFactory, listeners.getEventHandlers(), dispatcher, state, requester,
					ListenerSettingsFactory.catchUpSettings(serviceName, properties), Infrastructure.CLOCK);
		}

	}

}
