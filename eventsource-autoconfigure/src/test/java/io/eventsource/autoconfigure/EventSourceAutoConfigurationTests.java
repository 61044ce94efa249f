package io.eventsource.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.eventsource.actuate.internal.EventSourceHealthIndicator;
import io.eventsource.autoconfigure.internal.MissingServiceNameFailureAnalyzer;
import io.eventsource.autoconfigure.internal.ServiceName;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.InvalidEventHandlerException;
import io.eventsource.listen.internal.catchup.GapRepair;
import io.eventsource.listen.internal.catchup.ReplayListener;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.listen.internal.dispatch.ListenerMetrics;
import io.eventsource.listen.internal.handler.EventPayloads;
import io.eventsource.listen.internal.handler.EventSourceListenerAnnotationBeanPostProcessor;
import io.eventsource.listen.internal.partitioned.PartitionedListenerContainer;
import io.eventsource.listen.internal.peraggregate.PerAggregateListenerContainer;
import io.eventsource.publish.EventPublisher;
import io.eventsource.publish.internal.OutboxEventPublisher;
import io.eventsource.publish.internal.OutboxRelay;
import io.eventsource.publish.internal.RelayMetrics;
import io.eventsource.publish.internal.RelaySettings;
import io.eventsource.publish.internal.TraceparentDecorator;
import io.eventsource.registry.ServiceRegistry;
import io.eventsource.registry.internal.CachingServiceRegistry;
import io.eventsource.replay.internal.ReplayResponder;
import io.eventsource.store.internal.DatabaseType;
import io.eventsource.store.internal.MessageAckRepository;
import io.eventsource.store.internal.ProjectionPositionRepository;
import io.eventsource.store.internal.PublicMessageRepository;
import io.eventsource.store.internal.UnsupportedDatabaseException;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.SendOutcomes;
import io.eventsource.topology.TopologyType;
import io.eventsource.topology.internal.AggregateTopologies;
import io.eventsource.topology.internal.KeepAlive;
import io.eventsource.topology.internal.TopologyRouter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link EventSourceAutoConfiguration} and the health and tracing
 * auto-configurations.
 */
class EventSourceAutoConfigurationTests {

	private final ApplicationContextRunner runner = EventSourceContexts
		.runner(Database.POSTGRESQL, "catalog-" + TestServices.randomSuffix())
		.withConfiguration(AutoConfigurations.of(EventSourceHealthContributorAutoConfiguration.class,
				EventSourceTracingAutoConfiguration.class))
		.withPropertyValues("eventsource.relay.enabled=false");

	@Test
	void publishingHalfIsConfigured() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(OutboxEventPublisher.class)
				.hasSingleBean(PublicMessageRepository.class)
				.hasSingleBean(CachingServiceRegistry.class)
				.hasSingleBean(TopologyRouter.class)
				.hasSingleBean(EventSourceHealthIndicator.class)
				.doesNotHaveBean(OutboxRelay.class)
				.doesNotHaveBean(TraceparentDecorator.class);
			assertThat(context.getBean(DatabaseType.class)).isEqualTo(DatabaseType.POSTGRESQL);
			assertThat(context.getBean("eventsourceHealthIndicator")).isInstanceOf(EventSourceHealthIndicator.class);
		});
	}

	@Test
	void aProjectionsInitialDelaySetAloneIsItsOwnMaximumAndAnInvalidOneNamesTheProjection() {
		this.runner.withPropertyValues("eventsource.listener.retry.projections.slow.initial-delay=2m")
			.run((context) -> assertThat(context).hasNotFailed());
		this.runner
			.withPropertyValues("eventsource.listener.retry.projections.slow.initial-delay=2m",
					"eventsource.listener.retry.projections.slow.max-delay=1m")
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining("eventsource.listener.retry.projections.slow")
				.hasStackTraceContaining("maxDelay"));
	}

	@Test
	void aNonDaemonThreadKeepsTheJvmAliveWhileTheContextRunsAndOnlyThen() {
		// a context another test left open would hold one too
		int before = keepAliveThreads().size();
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(KeepAlive.class);
			assertThat(keepAliveThreads()).hasSize(before + 1).allMatch((thread) -> !thread.isDaemon());
			context.close();
			await().atMost(Duration.ofSeconds(10)).until(() -> keepAliveThreads().size() == before);
		});
		this.runner.withPropertyValues("eventsource.keep-alive=false")
			.run((context) -> assertThat(context).doesNotHaveBean(KeepAlive.class));
	}

	@Test
	void aPausedContextStillKeepsTheJvmAlive() {
		int before = keepAliveThreads().size();
		this.runner.run((context) -> {
			context.pause();
			assertThat(context.getBean(KeepAlive.class).isRunning()).isTrue();
			assertThat(keepAliveThreads()).hasSize(before + 1);
			context.restart();
			assertThat(keepAliveThreads()).hasSize(before + 1);
			context.close();
			await().atMost(Duration.ofSeconds(10)).until(() -> keepAliveThreads().size() == before);
		});
	}

	private static List<Thread> keepAliveThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("eventsource-keep-alive") && thread.isAlive())
			.toList();
	}

	@Test
	void relayIsConfiguredByDefault() {
		this.runner.withPropertyValues("eventsource.relay.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(OutboxRelay.class));
	}

	@Test
	void databaseTypeFollowsTheDataSource() {
		this.runner.withPropertyValues(TestServices.databaseProperties(Database.MARIADB).toArray(String[]::new))
			.run((context) -> assertThat(context.getBean(DatabaseType.class)).isEqualTo(DatabaseType.MYSQL));
	}

	@Test
	void serviceNameDefaultsToTheApplicationName() {
		this.runner.withPropertyValues("eventsource.service-name=", "spring.application.name=billing")
			.run((context) -> assertThat(context.getBean(ServiceName.class).value()).isEqualTo("billing"));
	}

	@Test
	void whenServiceNameMissingThenFailsWithMessage() {
		this.runner.withPropertyValues("eventsource.service-name=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(MissingServiceNameException.class)
				.hasMessageContaining("eventsource.service-name")
				.hasMessageContaining("spring.application.name");
			FailureAnalysis analysis = new MissingServiceNameFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getAction()).contains("eventsource.service-name", "spring.application.name");
		});
	}

	@Test
	void whenServiceNameInvalidThenFailsWithMessage() {
		this.runner.withPropertyValues("eventsource.service-name=my service")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("my service"));
	}

	@Test
	void whenDatabaseUnsupportedThenFailsWithMessage() {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:unsupported", "spring.datasource.username=sa")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(UnsupportedDatabaseException.class)
				.hasMessageContaining("H2")
				.hasMessageContaining("PostgreSQL, MySQL, MariaDB"));
	}

	@Test
	void whenDisabledThenBacksOff() {
		this.runner.withPropertyValues("eventsource.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EventPublisher.class)
				.doesNotHaveBean(PublicMessageRepository.class)
				.doesNotHaveBean(EventSourceHealthIndicator.class));
	}

	@Test
	void whenUserDefinesEventPublisherThenBacksOff() {
		this.runner.withUserConfiguration(UserPublisher.class).run((context) -> {
			assertThat(context).hasSingleBean(EventPublisher.class).doesNotHaveBean(OutboxEventPublisher.class);
			assertThat(context.getBean(EventPublisher.class)).isSameAs(context.getBean("userPublisher"));
		});
	}

	@Test
	void whenUserDefinesServiceRegistryThenBacksOff() {
		this.runner.withUserConfiguration(UserRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(ServiceRegistry.class).doesNotHaveBean(CachingServiceRegistry.class);
			assertThat(context).hasSingleBean(EventSourceHealthIndicator.class);
		});
	}

	@Test
	void whenUserDefinesTopologyThenBacksOff() {
		this.runner.withUserConfiguration(UserTopology.class)
			.run((context) -> assertThat(context).hasSingleBean(EventTopology.class)
				.doesNotHaveBean(TopologyRouter.class));
	}

	@Test
	void whenUserDefinesRelayThenBacksOff() {
		this.runner.withPropertyValues("eventsource.relay.enabled=true")
			.withUserConfiguration(UserRelay.class)
			.run((context) -> assertThat(context).getBean(OutboxRelay.class).isSameAs(context.getBean("userRelay")));
	}

	@Test
	void whenHealthIndicatorDisabledThenBacksOff() {
		this.runner.withPropertyValues("management.health.eventsource.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EventSourceHealthIndicator.class));
	}

	@Test
	void whenActuatorHealthAbsentThenNoHealthIndicator() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasSingleBean(EventPublisher.class)
				.doesNotHaveBean(EventSourceHealthIndicator.class));
	}

	@Test
	void whenTracerPresentThenTraceparentIsAdded() {
		this.runner.withBean(Tracer.class, () -> Tracer.NOOP)
			.run((context) -> assertThat(context).hasSingleBean(TraceparentDecorator.class));
	}

	@Test
	void whenTracingAbsentThenNoTraceparentDecorator() {
		this.runner.withClassLoader(new FilteredClassLoader(Tracer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TraceparentDecorator.class));
	}

	@Test
	void listeningSideIsConfigured() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(PerAggregateListenerContainer.class)
			.hasSingleBean(EventDispatcher.class)
			.hasSingleBean(MessageAckRepository.class)
			.hasSingleBean(ProjectionPositionRepository.class)
			.hasSingleBean(EventSourceListenerAnnotationBeanPostProcessor.class));
	}

	@Test
	void topologyIsChosenPerAggregateTypeWithTheDefaultForTheOthers() {
		this.runner
			.withPropertyValues("eventsource.topology=partitioned",
					"eventsource.aggregate-types.Product.topology=per-aggregate",
					"eventsource.aggregate-types.Order.partitions=16")
			.run((context) -> {
				AggregateTopologies topologies = context.getBean(AggregateTopologies.class);
				assertThat(topologies.of("Product")).isEqualTo(TopologyType.PER_AGGREGATE);
				assertThat(topologies.of("Order")).isEqualTo(TopologyType.PARTITIONED);
				assertThat(topologies.of("Invoice")).isEqualTo(TopologyType.PARTITIONED);
				assertThat(context).hasSingleBean(PartitionedListenerContainer.class)
					.hasSingleBean(PerAggregateListenerContainer.class)
					.getBean(EventTopology.class)
					.isInstanceOf(TopologyRouter.class);
			});
	}

	@Test
	void theRelayPublishesOnTheConnectionFactorysPublisherConnection() {
		this.runner.run((context) -> {
			ConnectionFactory publisher = context.getBean(ConnectionFactory.class).getPublisherConnectionFactory();
			assertThat(publisher).isNotNull();
			EventTopology topology = context.getBean(EventTopology.class);
			for (TopologyType type : TopologyType.values()) {
				assertThat(topology).extracting("byType")
					.asInstanceOf(InstanceOfAssertFactories.map(TopologyType.class, EventTopology.class))
					.extractingByKey(type)
					.extracting("connectionFactory")
					.isSameAs(publisher);
			}
		});
	}

	@Test
	void whenPartitionsAreOutOfRangeThenStartupFailsNamingTheLimit() {
		this.runner.withPropertyValues("eventsource.aggregate-types.Order.partitions=300")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("between 1 and 256, not 300"));
	}

	@Test
	void whenIdsQueueExpiryIsOutOfRangeThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("eventsource.per-aggregate.ids-queue-expiry=30d")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("(eventsource.per-aggregate.ids-queue-expiry) must be between 1ms and 24d"));
	}

	@Test
	void replayIsConfiguredAndCanBeSwitchedOff() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(ReplayResponder.class)
			.hasSingleBean(ReplayListener.class)
			.hasSingleBean(GapRepair.class));
		this.runner.withPropertyValues("eventsource.replay.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ReplayResponder.class)
				.doesNotHaveBean(ReplayListener.class)
				.doesNotHaveBean(GapRepair.class)
				.hasSingleBean(EventDispatcher.class));
	}

	@Test
	void gapRepairGivesUpForNoAnswerOnlyWhileThePeriodicCatchUpRuns() {
		this.runner.withPropertyValues("eventsource.replay.catch-up-interval=5m")
			.run((context) -> assertThat(context).getBean(GapRepair.class).extracting("maxRequests").isEqualTo(360));
		// nothing would bring a real event given up back
		this.runner.withPropertyValues("eventsource.replay.catch-up-interval=0")
			.run((context) -> assertThat(context).getBean(GapRepair.class).extracting("maxRequests").isEqualTo(0));
	}

	@Test
	void whenListenerDisabledThenNoContainer() {
		this.runner.withPropertyValues("eventsource.listener.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PerAggregateListenerContainer.class)
				.doesNotHaveBean(EventDispatcher.class)
				.hasSingleBean(EventPublisher.class));
	}

	@Test
	void whenUserDefinesDispatcherThenBacksOff() {
		this.runner.withUserConfiguration(UserDispatcher.class)
			.run((context) -> assertThat(context).getBean(EventDispatcher.class)
				.isSameAs(context.getBean("userDispatcher")));
	}

	@Test
	void whenHandlerHasNoEventParameterThenFailsWithMessage() {
		this.runner.withBean(NoEventParameter.class)
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEventHandlerException.class)
				.hasMessageContaining("NoEventParameter")
				.hasMessageContaining("on"));
	}

	static class NoEventParameter {

		@EventSourceListener(projection = "broken")
		void on() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDispatcher {

		@Bean
		EventDispatcher userDispatcher(EventSourceListenerAnnotationBeanPostProcessor listeners,
				io.eventsource.listen.internal.dispatch.ListenerStorage storage) {
			return new EventDispatcher(listeners.getEventHandlers(),
					new EventPayloads(tools.jackson.databind.json.JsonMapper.builder().build()), storage,
					io.eventsource.listen.internal.dispatch.DispatchPolicies
						.of(new io.eventsource.listen.internal.dispatch.ParkingPolicy(3,
								org.springframework.util.unit.DataSize.ofKilobytes(64))),
					"user", new ListenerMetrics(new SimpleMeterRegistry(), "user"), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRelay {

		@Bean
		OutboxRelay userRelay(PublicMessageRepository outbox, PlatformTransactionManager transactionManager) {
			return new OutboxRelay(outbox, (events) -> new SendOutcomes(), transactionManager,
					new RelaySettings(Duration.ofSeconds(1), 10, Duration.ofSeconds(1)),
					new RelayMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPublisher {

		@Bean
		EventPublisher userPublisher() {
			return (type, id, event, options) -> {
				throw new UnsupportedOperationException();
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRegistry {

		@Bean
		ServiceRegistry userRegistry() {
			return new ServiceRegistry() {

				@Override
				public java.util.Set<String> liveServices(String aggregateType) {
					return java.util.Set.of();
				}

				@Override
				public void heartbeat(String service, java.util.Collection<String> aggregateTypes) {
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTopology {

		@Bean
		EventTopology userTopology() {
			return (events) -> new SendOutcomes();
		}

	}

}
