package io.eventsource.autoconfigure;

import io.eventsource.actuate.internal.EventSourceEndpoint;
import io.eventsource.actuate.internal.EventSourceEndpointWebExtension;
import io.eventsource.actuate.internal.ProcessesEndpoint;
import io.eventsource.actuate.internal.ProcessesEndpointWebExtension;
import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.listen.internal.catchup.CatchUp;
import io.eventsource.listen.internal.dispatch.ParkedEventOperations;
import io.eventsource.listen.internal.handler.EventSourceListenerAnnotationBeanPostProcessor;
import io.eventsource.process.internal.ProcessManagers;
import io.eventsource.replay.internal.ReplayRequester;
import io.eventsource.store.internal.MessageAckRepository;
import io.eventsource.store.internal.ParkedEventRepository;
import io.eventsource.store.internal.PublicMessageRepository;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code eventsource} and {@code processes} Actuator endpoints,
 * for a service that listens, with their web extensions. Both are read-only unless
 * {@code management.endpoint.<id>.access} opens them.
 */
@AutoConfiguration(after = EventSourceAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(ParkedEventOperations.class)
public final class EventSourceEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ProcessManagers.class)
	@ConditionalOnAvailableEndpoint(ProcessesEndpoint.class)
	ProcessesEndpoint eventSourceProcessesEndpoint(ProcessManagers processes) {
		return new ProcessesEndpoint(processes);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ProcessesEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	ProcessesEndpointWebExtension eventSourceProcessesEndpointWebExtension(ProcessesEndpoint endpoint) {
		return new ProcessesEndpointWebExtension(endpoint);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(EventSourceEndpoint.class)
	EventSourceEndpoint eventSourceEndpoint(ParkedEventOperations parkedEvents, ParkedEventRepository parked,
			EventSourceListenerAnnotationBeanPostProcessor listeners, MessageAckRepository acks,
			PublicMessageRepository outbox, ServiceName serviceName, ObjectProvider<ReplayRequester> replay,
			ObjectProvider<CatchUp> catchUp) {
		return new EventSourceEndpoint(parkedEvents, parked, listeners.getEventHandlers(), acks, outbox,
				serviceName.value(), new EventSourceEndpoint.Replay(replay.getIfAvailable(), catchUp.getIfAvailable()));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(EventSourceEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	EventSourceEndpointWebExtension eventSourceEndpointWebExtension(EventSourceEndpoint endpoint) {
		return new EventSourceEndpointWebExtension(endpoint);
	}

}
