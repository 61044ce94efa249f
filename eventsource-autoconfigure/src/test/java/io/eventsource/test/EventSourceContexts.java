package io.eventsource.test;

import io.eventsource.autoconfigure.EventSourceAutoConfiguration;

import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

/**
 * Application contexts with eventsource and the auto-configurations it builds on,
 * connected to the real services.
 */
public final class EventSourceContexts {

	private EventSourceContexts() {
	}

	/**
	 * Returns a runner for a service on a database.
	 * @param database the database
	 * @param serviceName the service name
	 * @return the runner
	 */
	public static ApplicationContextRunner runner(TestServices.Database database, String serviceName) {
		return runner(TestServices.properties(database), serviceName);
	}

	/**
	 * Returns a runner for a service connected with given properties (a child process
	 * gets its parent's, so that both use the same services).
	 * @param serviceProperties the properties of the services, {@code name=value}
	 * @param serviceName the service name
	 * @return the runner
	 */
	public static ApplicationContextRunner runner(String[] serviceProperties, String serviceName) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JacksonAutoConfiguration.class, RabbitAutoConfiguration.class, DataRedisAutoConfiguration.class,
					EventSourceAutoConfiguration.class))
			.withPropertyValues(serviceProperties)
			// the tests share one database: catching up from the beginning would hand a
			// test the rows another one left (CatchUpTests switches it on)
			.withPropertyValues("eventsource.replay.catch-up-on-start=false", "eventsource.replay.catch-up-interval=0")
			.withPropertyValues("eventsource.service-name=" + serviceName);
	}

	/**
	 * Returns a runner for a service on a database and a topology, with the
	 * {@link FastTimings#PROPERTIES fast timings}: what the listening and fault suites
	 * start every service from.
	 * @param database the database
	 * @param topology the topology
	 * @param serviceName the service name
	 * @return the runner
	 */
	public static ApplicationContextRunner fastRunner(TestServices.Database database, TestTopology topology,
			String serviceName) {
		return runner(database, serviceName).withPropertyValues(FastTimings.PROPERTIES)
			.withPropertyValues(topology.properties());
	}

}
