package io.eventsource.deployed;

import org.springframework.amqp.rabbit.connection.ConnectionNameStrategy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Names this instance's RabbitMQ connections after its service and instance, so that the
 * broker's management API shows whose they are.
 */
@Configuration(proxyBeanMethods = false)
class ConnectionNames {

	@Bean
	ConnectionNameStrategy deployedConnectionNames(@Value("${eventsource.service-name}") String service,
			@Value("${deployed.instance}") String instance) {
		return (connectionFactory) -> service + "/" + instance;
	}

}
