package io.eventsource.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric the Grafana dashboard in {@code ops/grafana} queries is scraped from
 * {@code /actuator/prometheus} once events were published, relayed, applied, retried and
 * parked, on both topologies. Only the library's beans and this test's own handlers take
 * part: no profile, no demo, a service name of its own.
 */
@TestPropertySource(properties = { "management.endpoints.web.exposure.include=health,metrics,prometheus,eventsource",
		"eventsource.listener.retry.initial-delay=100ms",
		"eventsource.listener.retry.projections." + DashboardMetricsTests.PARKING_PROJECTION + ".max-attempts=1",
		"eventsource.aggregate-types." + DashboardMetricsTests.PARTITIONED_TYPE + ".topology=partitioned",
		"eventsource.aggregate-types." + DashboardMetricsTests.PARTITIONED_TYPE + ".partitions=2" })
@Import(DashboardMetricsTests.ProbeHandlers.class)
class DashboardMetricsTests extends ServiceUnderTest {

	static final String PER_AGGREGATE_TYPE = "DashboardProbe";

	static final String PARTITIONED_TYPE = "DashboardPartitionProbe";

	static final String PARKING_PROJECTION = "dashboard-parking";

	private static final String SERVICE = "dashboard-" + UUID.randomUUID().toString().substring(0, 8);

	private static final Path DASHBOARD = Path.of("..", "ops", "grafana", "eventsource-dashboard.json");

	private static final Pattern METRIC = Pattern.compile("eventsource_[a-z0-9_]+");

	@Autowired
	ProbeHandlers handlers;

	@DynamicPropertySource
	static void serviceName(DynamicPropertyRegistry registry) {
		registry.add("spring.application.name", () -> SERVICE);
	}

	@Test
	void everyMetricTheDashboardQueriesIsScraped() throws IOException {
		Set<String> queried = dashboardMetrics();
		assertThat(queried).as("metrics queried by %s", DASHBOARD).isNotEmpty();
		awaitConsuming(Set.of(PER_AGGREGATE_TYPE, PARTITIONED_TYPE));
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<String> ids = List.of(run + "-a", run + "-b", run + "-c");
		for (int i = 0; i < ids.size(); i++) {
			for (int n = 0; n < 3; n++) {
				this.publisher.publish(PER_AGGREGATE_TYPE, ids.get(i), new Probed(i == 0 && n == 1));
				this.publisher.publish(PARTITIONED_TYPE, ids.get(i), new PartitionProbed());
			}
		}
		this.publisher.publish(PER_AGGREGATE_TYPE, run + "-parked", new Rejected());
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.handlers.applied).hasSize(ids.size() * 3 * 2));
		assertThat(this.handlers.failed).isTrue();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			String scrape = scrape();
			assertThat(seriesNames(scrape)).as("eventsource series scraped from /actuator/prometheus")
				.containsAll(queried);
			assertThat(scrape).as("consumed outcomes the dashboard selects")
				.contains("outcome=\"ok\"", "outcome=\"fail\"", "outcome=\"parked\"");
		});
	}

	private String scrape() {
		return RestClient.create("http://localhost:" + this.port)
			.get()
			.uri("/actuator/prometheus")
			.retrieve()
			.body(String.class);
	}

	private static Set<String> seriesNames(String scrape) {
		return scrape.lines()
			.filter((line) -> !line.isBlank() && !line.startsWith("#"))
			.map((line) -> line.split("[{ ]", 2)[0])
			.filter((name) -> name.startsWith("eventsource_"))
			.collect(Collectors.toCollection(TreeSet::new));
	}

	private static Set<String> dashboardMetrics() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		Set<String> metrics = new TreeSet<>();
		for (JsonNode expr : dashboard.findValues("expr")) {
			Matcher matcher = METRIC.matcher(expr.asString());
			while (matcher.find()) {
				metrics.add(matcher.group());
			}
		}
		return metrics;
	}

	@EventType(aggregate = PER_AGGREGATE_TYPE)
	record Probed(boolean failOnce) {
	}

	@EventType(aggregate = PER_AGGREGATE_TYPE)
	record Rejected() {
	}

	@EventType(aggregate = PARTITIONED_TYPE)
	record PartitionProbed() {
	}

	static class ProbeHandlers {

		final Set<String> applied = ConcurrentHashMap.newKeySet();

		final AtomicBoolean failed = new AtomicBoolean();

		@EventSourceListener(projection = "dashboard")
		void on(Probed event, EventMetadata metadata) {
			if (event.failOnce() && this.failed.compareAndSet(false, true)) {
				throw new IllegalStateException("Failing once, so that the event is retried");
			}
			this.applied.add(metadata.aggregateType() + "-" + metadata.aggregateId() + "#" + metadata.sequence());
		}

		@EventSourceListener(projection = "dashboard")
		void on(PartitionProbed event, EventMetadata metadata) {
			this.applied.add(metadata.aggregateType() + "-" + metadata.aggregateId() + "#" + metadata.sequence());
		}

		@EventSourceListener(projection = PARKING_PROJECTION)
		void on(Rejected event) {
			throw new IllegalStateException("Always failing, so that the event is parked");
		}

	}

}
