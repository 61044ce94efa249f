package io.eventsource.autoconfigure;

import io.eventsource.actuate.EventSourceEndpoint;
import io.eventsource.actuate.ProcessesEndpoint;
import io.eventsource.listen.CatchUp;
import io.eventsource.listen.ParkedEvents;
import io.eventsource.process.ProcessManagers;
import io.eventsource.replay.ReplayRequester;
import io.eventsource.store.InboxRepository;
import io.eventsource.store.OutboxRepository;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code eventsource} Actuator endpoint, for a service that
 * listens.
 */
@AutoConfiguration(after = EventSourceAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(ParkedEvents.class)
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
	@ConditionalOnAvailableEndpoint(EventSourceEndpoint.class)
	EventSourceEndpoint eventSourceEndpoint(ParkedEvents parkedEvents, InboxRepository inbox, OutboxRepository outbox,
			ServiceName serviceName, ObjectProvider<ReplayRequester> replay, ObjectProvider<CatchUp> catchUp) {
		return new EventSourceEndpoint(parkedEvents, inbox, outbox, serviceName.value(), replay.getIfAvailable(),
				catchUp.getIfAvailable());
	}

}
