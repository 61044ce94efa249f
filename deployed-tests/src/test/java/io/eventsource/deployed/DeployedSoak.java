package io.eventsource.deployed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestServices;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The soak: the deployed services under steady load for {@code soak.minutes} (30 by
 * default) with a fault every few minutes (RabbitMQ stopped, an instance killed,
 * PostgreSQL restarted, Redis stopped, in turn), sampling every minute the heap after
 * collection and the live threads of every JVM, and the broker's connections, channels
 * and queues of the deployment. It fails when any of them grows between the first sample
 * after warm-up and the last, or when an event is lost, applied twice or out of order.
 * Not part of the test command: {@code ./mvnw -pl deployed-tests -am verify -Psoak} runs
 * it alone; it writes its table to {@code target/soak.md}.
 */
class DeployedSoak {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void steadyLoadWithAFaultEveryFewMinutesGrowsNothing() throws IOException {
		Duration length = Duration.ofMinutes(Long.getLong("soak.minutes", 30));
		Duration faultEvery = Duration.ofMinutes(Long.getLong("soak.fault-minutes", 4));
		List<Sample> samples = new ArrayList<>();
		try (Deployment deployment = new Deployment(Path.of("target", "soak"), List.of())) {
			deployment.start(50, 100);
			await().atMost(Duration.ofMinutes(3))
				.ignoreExceptions()
				.until(() -> deployment.listeningServices()
					.stream()
					.allMatch((service) -> !deployment.applied(service).isEmpty()));
			Instant start = Instant.now();
			Instant nextSample = start;
			Instant nextFault = start.plus(faultEvery);
			List<String> faults = new ArrayList<>();
			int fault = 0;
			while (Instant.now().isBefore(start.plus(length))) {
				if (!Instant.now().isBefore(nextFault)) {
					faults.add(
							Duration.between(start, Instant.now()).toMinutes() + " min: " + fault(deployment, fault++));
					nextFault = nextFault.plus(faultEvery);
				}
				if (!Instant.now().isBefore(nextSample)) {
					samples.add(sample(deployment, Duration.between(start, Instant.now())));
					System.out.println(samples.get(samples.size() - 1).row());
					nextSample = nextSample.plus(Duration.ofMinutes(1));
				}
				Holds.until(min(min(nextFault, nextSample), start.plus(length)));
			}
			deployment.stopPublishing();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> deployment.instancesOf(deployment.publisher())
					.get(0)
					.lines()
					.stream()
					.anyMatch((line) -> line.startsWith("STOPPED")));
			Map<String, Long> published = deployment.published();
			for (String service : deployment.listeningServices()) {
				await().atMost(Duration.ofMinutes(2))
					.ignoreExceptions()
					.until(() -> deployment.caughtUp(service, published));
				Deployment.LedgerCheck check = deployment.check(service, published);
				assertThat(check.problems()).as(service).isEmpty();
				assertThat(check.duplicates()).as(service).isZero();
			}
			samples.add(sample(deployment, Duration.between(start, Instant.now())));
			String table = table(samples, faults, published.values().stream().mapToLong(Long::longValue).sum(), length);
			System.out.println(table);
			Files.writeString(Path.of("target", "soak.md"), table);
			assertThat(deployment.instances()).allMatch(ServiceProcess::isAlive);
		}
		// the first minutes after warm-up against the last ones, as medians: a sample
		// taken
		// during a fault's recovery holds a connection or a heap of a moment
		List<Sample> first = samples.subList(Math.min(1, samples.size() - 1), Math.min(6, samples.size()));
		List<Sample> last = samples.subList(Math.max(0, samples.size() - 5), samples.size());
		assertThat(median(last, Sample::heapMb)).as("heap after collection, MB")
			.isLessThan(median(first, Sample::heapMb) * 1.5 + 20);
		assertThat(median(last, Sample::threads)).as("live threads")
			.isLessThanOrEqualTo(median(first, Sample::threads) + 10);
		assertThat(median(last, Sample::connections)).as("broker connections")
			.isLessThanOrEqualTo(median(first, Sample::connections));
		assertThat(median(last, Sample::channels)).as("broker channels")
			.isLessThanOrEqualTo(median(first, Sample::channels) + 8);
		assertThat(median(last, Sample::queues)).as("queues of the deployment")
			.isLessThanOrEqualTo(median(first, Sample::queues) + 60);
	}

	private static double median(List<Sample> samples, ToDoubleFunction<Sample> value) {
		double[] values = samples.stream().mapToDouble(value).sorted().toArray();
		return values[values.length / 2];
	}

	private static String fault(Deployment deployment, int number) {
		switch (number % 4) {
			case 0 -> {
				TestServices.rabbitmqctl("stop_app");
				try {
					Holds.hold(Duration.ofSeconds(10));
				}
				finally {
					TestServices.rabbitmqctl("start_app");
				}
				return "RabbitMQ stopped 10 s";
			}
			case 1 -> {
				ServiceProcess b2 = deployment.instancesOf(deployment.serviceB()).get(1);
				b2.kill();
				try {
					Holds.hold(Duration.ofSeconds(5));
				}
				finally {
					b2.restart();
				}
				return "kill -9 of b2, started again";
			}
			case 2 -> {
				try {
					TestServices.restartPostgres();
				}
				finally {
					TestServices.restartPostgresIfDown();
				}
				return "PostgreSQL restarted";
			}
			default -> {
				TestServices.stopRedis();
				try {
					Holds.hold(Duration.ofSeconds(20));
				}
				finally {
					TestServices.startRedis();
				}
				return "Redis stopped 20 s";
			}
		}
	}

	private static Sample sample(Deployment deployment, Duration at) {
		// the heap in use right after a full collection: what the services hold
		deployment.instances().forEach(ServiceProcess::collectGarbage);
		deployment.awaitMetersSampledAfter(Instant.now());
		long heap = 0;
		long threads = 0;
		for (ServiceProcess instance : deployment.instances()) {
			// set by the full collection just asked for: what the service holds
			heap += deployment.counter(instance.name(), "jvm.gc.live.data.size");
			threads += deployment.counter(instance.name(), "jvm.threads.live");
		}
		int connections = 0;
		int channels = 0;
		int queues = 0;
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			for (JsonNode connection : json
				.readTree(rabbit.management("GET", "/connections?columns=name,channels,client_properties", null))) {
				// the deployment's instances: every connection but the tests' own
				if (!connection.path("client_properties")
					.path("connection_name")
					.asString("")
					.startsWith("eventsource-tests")) {
					connections++;
					channels += connection.path("channels").asInt();
				}
			}
			for (JsonNode queue : json.readTree(rabbit.management("GET", "/queues?columns=name", null))) {
				if (queue.get("name").asString().contains(deployment.idPrefix().replace("-", ""))) {
					queues++;
				}
			}
		}
		return new Sample(at.toMinutes(), heap / (1024.0 * 1024.0), threads, connections, channels, queues);
	}

	private static String table(List<Sample> samples, List<String> faults, long published, Duration length) {
		StringBuilder table = new StringBuilder("Soak of the deployed services: ").append(length.toMinutes())
			.append(" min, 100 events/s over 50 aggregates per type (both topologies), ")
			.append(published)
			.append(" events published\n\n| minute | heap after GC, all JVMs (MB) | live threads | broker connections "
					+ "| broker channels | queues of the deployment |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n");
		samples.forEach((sample) -> table.append(sample.row()).append('\n'));
		table.append("\nFaults: ").append(String.join("; ", faults)).append('\n');
		return table.toString();
	}

	private static Instant min(Instant one, Instant other) {
		return one.isBefore(other) ? one : other;
	}

	private record Sample(long minute, double heapMb, long threads, int connections, int channels, int queues) {

		String row() {
			return String.format("| %d | %.1f | %d | %d | %d | %d |", this.minute, this.heapMb, this.threads,
					this.connections, this.channels, this.queues);
		}

	}

}
