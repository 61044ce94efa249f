package io.eventsource.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.listen.EventSourceListener;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's actuator over HTTP, as {@code SecurityConfiguration} protects it: reads
 * and health are open, the writes of the {@code eventsource} endpoint are refused to
 * anyone but the operator and change nothing, and the operator's requests work, with 4xx
 * for selectors that name nothing. A service name of its own; no profile, no demo.
 */
@TestPropertySource(properties = { "eventsource.replay.catch-up-interval=0",
		"eventsource.listener.retry.projections." + ActuatorSecurityTests.PROJECTION + ".max-attempts=1",
		"spring.security.user.password=" + ActuatorSecurityTests.PASSWORD,
		// durable queues: an event published before the relay knows this service
		// waits in its partition instead of going nowhere
		"eventsource.aggregate-types." + ActuatorSecurityTests.AGGREGATE_TYPE + ".topology=partitioned",
		"eventsource.aggregate-types." + ActuatorSecurityTests.AGGREGATE_TYPE + ".partitions=1" })
@Import({ ActuatorSecurityTests.RefusingHandler.class, ActuatorSecurityTests.RowCleanUp.class })
class ActuatorSecurityTests extends ServiceUnderTest {

	static final String AGGREGATE_TYPE = "SecurityProbe";

	static final String PROJECTION = "security-parking";

	static final String PASSWORD = "test-operator-password";

	private static final String SERVICE = "security-" + UUID.randomUUID().toString().substring(0, 8);

	private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

	@Autowired
	JdbcTemplate jdbc;

	@DynamicPropertySource
	static void serviceName(DynamicPropertyRegistry registry) {
		registry.add("spring.application.name", () -> SERVICE);
	}

	@Test
	void anonymousWritesAreRefusedAndChangeNothing() {
		String aggregate = RUN + "-anonymous";
		EventMetadata parked = park(aggregate);
		RestClient anonymous = client(null);
		assertThat(status(anonymous, HttpMethod.DELETE, "/actuator/eventsource/" + PROJECTION + "/" + parked.eventId()))
			.isEqualTo(401);
		assertThat(status(anonymous, HttpMethod.POST,
				"/actuator/eventsource/" + PROJECTION + "/" + AGGREGATE_TYPE + "/" + aggregate))
			.isEqualTo(401);
		assertThat(status(anonymous, HttpMethod.POST, "/actuator/eventsource/" + AGGREGATE_TYPE + "/" + aggregate))
			.isEqualTo(401);
		assertThat(status(anonymous, HttpMethod.POST, "/actuator/eventsource")).isEqualTo(401);
		assertThat(status(client("not-the-" + PASSWORD), HttpMethod.DELETE,
				"/actuator/eventsource/" + PROJECTION + "/" + parked.eventId()))
			.isEqualTo(401);
		assertThat(parkedIds(aggregate)).containsExactly(parked.eventId().toString());
		assertThat(ackStatus(parked)).isEqualTo("parked");
	}

	@Test
	void readsAndHealthStayOpen() {
		RestClient anonymous = client(null);
		assertThat(anonymous.get().uri("/actuator/health").retrieve().body(Map.class)).containsEntry("status", "UP");
		assertThat(status(anonymous, HttpMethod.GET, "/actuator/eventsource")).isEqualTo(200);
		assertThat(status(anonymous, HttpMethod.GET, "/actuator/prometheus")).isEqualTo(200);
		assertThat(status(anonymous, HttpMethod.GET, "/actuator/metrics")).isEqualTo(200);
	}

	@Test
	void theOperatorSkipsAParkedEventAndSelectorsThatNameNothingAreClientErrors() {
		String aggregate = RUN + "-operator";
		EventMetadata parked = park(aggregate);
		RestClient operator = client(PASSWORD);
		assertThat(status(operator, HttpMethod.DELETE, "/actuator/eventsource/" + PROJECTION + "/not-a-uuid"))
			.isEqualTo(400);
		assertThat(status(operator, HttpMethod.DELETE, "/actuator/eventsource/unknown/" + parked.eventId()))
			.isEqualTo(400);
		assertThat(status(operator, HttpMethod.DELETE, "/actuator/eventsource/" + PROJECTION + "/" + UUID.randomUUID()))
			.isEqualTo(404);
		assertThat(parkedIds(aggregate)).containsExactly(parked.eventId().toString());
		assertThat(status(operator, HttpMethod.DELETE, "/actuator/eventsource/" + PROJECTION + "/" + parked.eventId()))
			.isEqualTo(200);
		assertThat(parkedIds(aggregate)).isEmpty();
		assertThat(ackStatus(parked)).isEqualTo("skipped");
		assertThat(operator.post().uri("/actuator/eventsource").retrieve().body(Map.class)).containsEntry("started",
				true);
	}

	private EventMetadata park(String aggregate) {
		awaitConsuming(Set.of(AGGREGATE_TYPE));
		EventMetadata published = this.publisher.publish(AGGREGATE_TYPE, aggregate, new Refused());
		await().atMost(Duration.ofSeconds(60)).until(() -> parkedIds(aggregate).size() == 1);
		return published;
	}

	private List<String> parkedIds(String aggregate) {
		return this.jdbc.queryForList(
				"SELECT message_id FROM parked_events WHERE service = ? AND projection = ? AND aggregate_id = ?",
				String.class, SERVICE, PROJECTION, aggregate);
	}

	private String ackStatus(EventMetadata event) {
		return this.jdbc.queryForObject(
				"SELECT status FROM message_acks WHERE message_id = ? AND service = ? AND projection = ?", String.class,
				event.eventId().toString(), SERVICE, PROJECTION);
	}

	private RestClient client(String password) {
		RestClient.Builder builder = RestClient.builder().baseUrl("http://localhost:" + this.port);
		if (password != null) {
			builder.defaultHeaders((headers) -> headers.setBasicAuth("operator", password));
		}
		return builder.build();
	}

	private static int status(RestClient client, HttpMethod method, String path) {
		return client.method(method).uri(path).exchange((request, response) -> response.getStatusCode().value());
	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record Refused() {
	}

	static class RefusingHandler {

		@EventSourceListener(projection = PROJECTION)
		void on(Refused event) {
			throw new IllegalStateException("Always failing, so that the event is parked");
		}

	}

	/**
	 * Deletes the rows this run's service left once its listener containers stopped: the
	 * service name is never used again (the registry forgets it by itself).
	 */
	static class RowCleanUp implements DisposableBean {

		private final JdbcTemplate jdbc;

		RowCleanUp(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Override
		public void destroy() {
			for (String table : List.of("message_acks", "projection_positions", "parked_events")) {
				this.jdbc.update("DELETE FROM " + table + " WHERE service = ?", SERVICE);
			}
			this.jdbc.update("DELETE FROM message_consumer_state WHERE consumer_name LIKE ?", SERVICE + "/%");
			this.jdbc.update("DELETE FROM public_messages WHERE topic = ? AND aggregate_id LIKE ?", AGGREGATE_TYPE,
					RUN + "-%");
			this.jdbc.update("DELETE FROM aggregate_sequences WHERE aggregate_type = ? AND aggregate_id LIKE ?",
					AGGREGATE_TYPE, RUN + "-%");
		}

	}

}
