package io.eventsource.actuate.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.internal.dispatch.EventDispatcher;
import io.eventsource.process.ProcessContext;
import io.eventsource.process.ProcessHandler;
import io.eventsource.process.ProcessManager;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code eventsource} and {@code processes} endpoints over HTTP, in a service with a
 * web server, a projection and a process manager on the real services: read-only unless
 * the application opens them, and once opened, a selector that names nothing is answered
 * 400 or 404 (never 500) without writing anything.
 */
class EventSourceEndpointsWebIntegrationTests {

	static final String AGGREGATE_TYPE = "EndpointProbe";

	static final String PROCESS = "EndpointProbeProcess";

	static final String PROJECTION = "probe";

	/** The service with both endpoints opened, shared by the tests that need one. */
	private static Service opened;

	@Test
	void byDefaultTheWritesAreNotThereAndTheReadsAre() {
		Service service = Service.start();
		try {
			Http http = service.http;
			assertThat(http.status(HttpMethod.GET, "/actuator/eventsource")).isEqualTo(200);
			assertThat(http.status(HttpMethod.GET, "/actuator/processes")).isEqualTo(200);
			assertThat(http.status(HttpMethod.GET, "/actuator/processes/" + PROCESS + "/unknown")).isEqualTo(404);
			// no handler takes a write: Spring MVC answers 405 where a read has the path,
			// 404 elsewhere
			assertThat(http.status(HttpMethod.POST, "/actuator/eventsource")).isEqualTo(405);
			assertThat(http.status(HttpMethod.POST, "/actuator/eventsource/" + AGGREGATE_TYPE + "/a-1")).isEqualTo(404);
			assertThat(
					http.status(HttpMethod.POST, "/actuator/eventsource/" + PROJECTION + "/" + AGGREGATE_TYPE + "/a-1"))
				.isEqualTo(404);
			assertThat(http.status(HttpMethod.DELETE, "/actuator/eventsource/" + PROJECTION + "/" + UUID.randomUUID()))
				.isEqualTo(404);
			assertThat(http.status(HttpMethod.POST, "/actuator/processes/" + PROCESS + "/unknown", "{\"toVersion\":2}"))
				.isIn(404, 405);
			assertThat(http.status(HttpMethod.POST, "/actuator/processes/" + PROCESS,
					"{\"fromVersion\":1,\"toVersion\":2}"))
				.isIn(404, 405);
		}
		finally {
			service.stop();
		}
	}

	@Test
	void openedTheWritesWork() {
		Http http = opened().http;
		assertThat(http.body(HttpMethod.POST, "/actuator/eventsource")).isEqualTo("{\"started\":true}");
		assertThat(http.status(HttpMethod.POST, "/actuator/eventsource/" + AGGREGATE_TYPE + "/a-1")).isEqualTo(200);
	}

	@Test
	void openedAnEventThatIsNotParkedIsNotFound() {
		Http http = opened().http;
		assertThat(http.status(HttpMethod.DELETE, "/actuator/eventsource/" + PROJECTION + "/" + UUID.randomUUID()))
			.isEqualTo(404);
		assertThat(http.status(HttpMethod.DELETE,
				"/actuator/eventsource/" + EventDispatcher.MALFORMED + "/" + UUID.randomUUID()))
			.isEqualTo(404);
		// the projection handles no such aggregate type, and holds nothing of it
		assertThat(http.status(HttpMethod.POST, "/actuator/eventsource/" + PROJECTION + "/Elsewhere/a-1"))
			.isEqualTo(404);
		assertThat(http.status(HttpMethod.POST, "/actuator/processes/" + PROCESS + "/unknown", "{\"toVersion\":1}"))
			.isEqualTo(404);
		assertThat(http.status(HttpMethod.GET, "/actuator/processes/" + PROCESS + "/unknown")).isEqualTo(404);
	}

	@Test
	void openedASelectorThatNamesNothingIsABadRequest() {
		Service service = opened();
		Http http = service.http;
		// over the 128 bytes of an aggregate id, well within a URL
		String longId = "x".repeat(300);
		// skip: not a UUID, a projection this service does not have
		assertThat(http.status(HttpMethod.DELETE, "/actuator/eventsource/" + PROJECTION + "/not-a-uuid"))
			.isEqualTo(400);
		assertThat(http.status(HttpMethod.DELETE, "/actuator/eventsource/unknown/" + UUID.randomUUID())).isEqualTo(400);
		// retry: an unknown projection, malformed messages, names that cannot be an
		// aggregate's
		assertThat(http.status(HttpMethod.POST, "/actuator/eventsource/unknown/" + AGGREGATE_TYPE + "/a-1"))
			.isEqualTo(400);
		assertThat(http.status(HttpMethod.POST,
				"/actuator/eventsource/" + EventDispatcher.MALFORMED + "/" + AGGREGATE_TYPE + "/a-1"))
			.isEqualTo(400);
		assertThat(http.status(HttpMethod.POST, "/actuator/eventsource/" + PROJECTION + "/not-a-type!/a-1"))
			.isEqualTo(400);
		assertThat(http.status(HttpMethod.POST,
				"/actuator/eventsource/" + PROJECTION + "/" + AGGREGATE_TYPE + "/" + longId))
			.isEqualTo(400);
		// replay: an aggregate type this service does not listen to, an id too long
		assertThat(http.status(HttpMethod.POST, "/actuator/eventsource/Elsewhere/a-1")).isEqualTo(400);
		assertThat(http.status(HttpMethod.POST, "/actuator/eventsource/" + AGGREGATE_TYPE + "/" + longId))
			.isEqualTo(400);
		// processes: a type not deployed here, a version not deployed, a bad id
		assertThat(http.status(HttpMethod.GET, "/actuator/processes/Elsewhere/p-1")).isEqualTo(400);
		assertThat(http.status(HttpMethod.GET, "/actuator/processes/" + PROCESS + "/" + longId)).isEqualTo(400);
		assertThat(http.status(HttpMethod.POST, "/actuator/processes/Elsewhere/p-1", "{\"toVersion\":2}"))
			.isEqualTo(400);
		assertThat(http.status(HttpMethod.POST, "/actuator/processes/" + PROCESS + "/" + longId, "{\"toVersion\":2}"))
			.isEqualTo(400);
		assertThat(http.status(HttpMethod.POST, "/actuator/processes/Elsewhere", "{\"fromVersion\":1,\"toVersion\":2}"))
			.isEqualTo(400);
		assertThat(
				http.status(HttpMethod.POST, "/actuator/processes/" + PROCESS, "{\"fromVersion\":1,\"toVersion\":2}"))
			.isEqualTo(400);
		assertThat(http.status(HttpMethod.POST, "/actuator/processes/" + PROCESS + "/p-1", "{\"toVersion\":\"x\"}"))
			.isEqualTo(400);
		// nothing was written for any of them
		assertThat(http.jdbc.queryForObject("SELECT COUNT(*) FROM projection_positions WHERE service = ?",
				Integer.class, service.name))
			.isZero();
	}

	private static synchronized Service opened() {
		if (opened == null) {
			opened = Service.start("management.endpoint.eventsource.access=unrestricted",
					"management.endpoint.processes.access=unrestricted");
		}
		return opened;
	}

	@AfterAll
	static synchronized void stopOpened() {
		if (opened != null) {
			opened.stop();
			opened = null;
		}
	}

	/**
	 * A running service with a name of its own, and what it leaves behind removed when it
	 * stops.
	 */
	static final class Service {

		final String name = "endpoints-" + TestServices.randomSuffix();

		final ConfigurableApplicationContext context;

		final Http http;

		private Service(String... properties) {
			List<String> arguments = new ArrayList<>();
			for (String property : TestServices.properties(Database.POSTGRESQL)) {
				arguments.add("--" + property);
			}
			for (String property : List.of("eventsource.service-name=" + this.name, "server.port=0",
					"spring.flyway.enabled=false", "eventsource.relay.enabled=false",
					"eventsource.replay.catch-up-on-start=false", "eventsource.replay.catch-up-interval=0",
					"management.endpoints.web.exposure.include=health,eventsource,processes")) {
				arguments.add("--" + property);
			}
			for (String property : properties) {
				arguments.add("--" + property);
			}
			this.context = new SpringApplicationBuilder(ProbeService.class).run(arguments.toArray(String[]::new));
			String port = this.context.getEnvironment().getProperty("local.server.port");
			this.http = new Http(RestClient.create("http://localhost:" + port),
					new JdbcTemplate(this.context.getBean(DataSource.class)));
		}

		static Service start(String... properties) {
			return new Service(properties);
		}

		void stop() {
			try {
				JdbcTemplate jdbc = this.http.jdbc();
				for (String table : List.of("message_acks", "projection_positions", "parked_events",
						"process_instances", "process_timeouts")) {
					jdbc.update("DELETE FROM " + table + " WHERE service = ?", this.name);
				}
				jdbc.update("DELETE FROM message_consumer_state WHERE consumer_name LIKE ?", this.name + "/%");
				StringRedisTemplate redis = this.context.getBean(StringRedisTemplate.class);
				for (String type : List.of(AGGREGATE_TYPE, PROCESS)) {
					redis.opsForZSet().remove("eventsource:services:" + type, this.name);
				}
			}
			finally {
				this.context.close();
				for (String type : List.of(AGGREGATE_TYPE, PROCESS)) {
					TestTopology.PER_AGGREGATE.cleanUp(type, this.name, List.of());
				}
			}
		}

	}

	/**
	 * A client of the service under test, answering with the status, as a user of the
	 * endpoint sees it.
	 */
	record Http(RestClient client, JdbcTemplate jdbc) {

		int status(HttpMethod method, String path) {
			return status(method, path, null);
		}

		int status(HttpMethod method, String path, String json) {
			RestClient.RequestBodySpec request = this.client.method(method).uri(path);
			if (json != null) {
				request.contentType(MediaType.APPLICATION_JSON).body(json);
			}
			return request.exchange((req, response) -> response.getStatusCode().value());
		}

		String body(HttpMethod method, String path) {
			return this.client.method(method).uri(path).retrieve().body(String.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Probes.class, ProbeProcess.class })
	static class ProbeService {

	}

	static class Probes {

		@EventSourceListener(projection = PROJECTION)
		void on(ProbeOpened event, EventMetadata metadata) {
		}

	}

	@ProcessManager(type = PROCESS, version = 1, state = ProbeState.class)
	static class ProbeProcess {

		@ProcessHandler(start = true)
		void on(ProbeOpened event, ProcessContext<ProbeState> process) {
			process.state().opened = true;
		}

	}

	public static class ProbeState {

		public boolean opened;

	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record ProbeOpened() {
	}

}
