package io.eventsource.autoconfigure;

import io.eventsource.actuate.internal.EventSourceHealthIndicator;
import io.eventsource.actuate.internal.ListeningHealth;
import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.listen.ListenerContainer;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.store.internal.ParkedEventRepository;
import io.eventsource.store.internal.PublicMessageRepository;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code eventsource} health contributor.
 */
@AutoConfiguration(after = EventSourceAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(PublicMessageRepository.class)
public final class EventSourceHealthContributorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("eventsource")
	static class EventSourceHealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "eventsourceHealthIndicator")
		EventSourceHealthIndicator eventsourceHealthIndicator(PublicMessageRepository outbox,
				ConnectionFactory connectionFactory, ObjectProvider<ServiceRegistry> registry,
				ObjectProvider<ListenerContainer> listeners, ObjectProvider<ParkedEventRepository> parked,
				ServiceName serviceName, EventSourceProperties properties) {
			ParkedEventRepository parkedEvents = parked.getIfAvailable();
			return new EventSourceHealthIndicator(outbox, connectionFactory, registry.getIfUnique(),
					properties.getHealth().getBacklogAgeThreshold(), Infrastructure.CLOCK,
					new ListeningHealth(listeners.orderedStream().toList(),
							properties.getRegistry().getHeartbeatInterval(),
							(parkedEvents != null) ? () -> parkedEvents.countByProjection(serviceName.value()) : null));
		}

	}

}
