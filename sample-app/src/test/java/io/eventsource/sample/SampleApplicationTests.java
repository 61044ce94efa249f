package io.eventsource.sample;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample starts against the services on this machine, publishes over HTTP, the relay
 * takes the event out of the outbox, and the sample's own projection applies it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.demo=false", "eventsource.relay.poll-interval=200ms" })
// closed after the class: its relay would otherwise go on relaying the shared outbox,
// with
// its own topology settings, while the later test classes of this JVM run
@DirtiesContext
class SampleApplicationTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@BeforeAll
	static void servicesAnswer() {
		LocalServices.requireAnswering();
	}

	@Test
	void publishedProductIsRelayed() {
		String id = "sample-" + System.nanoTime();
		Map<String, Object> published = RestClient.create("http://localhost:" + this.port)
			.post()
			.uri("/products/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("sku", "SKU-1", "title", "Lamp"))
			.retrieve()
			.body(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {
			});
		assertThat(published).containsEntry("sequence", 1).containsEntry("eventType", "ProductCreated");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.jdbc
				.queryForObject("SELECT COUNT(*) FROM public_messages WHERE topic = 'Product' AND aggregate_id = ? "
						+ "AND relayed_at IS NOT NULL", Integer.class, id) == 1);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.jdbc.queryForObject(
					"SELECT COUNT(*) FROM message_acks WHERE service = 'catalog' "
							+ "AND projection = 'search' AND aggregate_id = ? AND status = 'ok'",
					Integer.class, id) == 1);
	}

}
