package io.eventsource.sample.restaurant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.eventsource.process.internal.ProcessManagers;
import io.eventsource.sample.LocalServices;
import io.eventsource.sample.SampleApplication;
import io.eventsource.store.internal.ProcessInstanceRepository.ProcessStatus;
import io.eventsource.topology.PartitionedNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The restaurant end to end, as {@code scripts/restaurant.sh} runs it but in one JVM: the
 * waiter, the kitchen, the cashier and the order process start as four services with
 * names of their own; orders placed over HTTP are cooked, priced and, when the test pays
 * them, served; the others are cancelled by the payment timeout.
 */
class RestaurantEndToEndTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static final String OPERATOR_PASSWORD = "restaurant-test-operator";

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	private final Map<String, ConfigurableApplicationContext> services = new LinkedHashMap<>();

	private final List<String> orders = new ArrayList<>();

	@BeforeAll
	static void servicesAnswer() {
		LocalServices.requireAnswering();
	}

	@Test
	void paidOrdersAreServedAndUnpaidOnesCancelled() {
		for (String service : List.of("manager", "kitchen", "cashier", "waiter")) {
			this.services.put(service, start(service));
		}
		RestClient waiter = client("waiter");
		RestClient cashier = client("cashier");
		for (int i = 0; i < 6; i++) {
			Map<String, Object> placed = waiter.post()
				.uri("/orders")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("table", "T" + i, "items", List.of("soup", "steak").subList(0, 1 + i % 2)))
				.retrieve()
				.body(JSON);
			this.orders.add((String) placed.get("orderId"));
		}
		for (int i = 0; i < this.orders.size(); i += 2) {
			String order = this.orders.get(i);
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> cashier.post()
					.uri("/bills/{id}/payment", order)
					.exchange((request, response) -> response.getStatusCode())
					.equals(HttpStatusCode.valueOf(200)));
		}
		for (int i = 0; i < this.orders.size(); i++) {
			String order = this.orders.get(i);
			String expected = (i % 2 == 0) ? "SERVED" : "CANCELLED";
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> expected
					.equals(waiter.get().uri("/orders/{id}", order).retrieve().body(JSON).get("status")));
		}
		ProcessManagers processes = this.services.get("manager").getBean(ProcessManagers.class);
		for (String order : this.orders) {
			assertThat(processes.find("OrderProcess", order)).satisfies((instance) -> {
				assertThat(instance.status()).isEqualTo(ProcessStatus.COMPLETED);
				assertThat(instance.version()).isEqualTo(1);
			});
		}
		assertThat(waiter.get().uri("/orders/{id}", this.orders.get(1)).retrieve().body(JSON)).containsEntry("detail",
				"not paid within 6 s");
		// the cashier closed the bill of the cancelled order: no payment is taken for it
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Boolean.TRUE
				.equals(cashier.get().uri("/bills/{id}", this.orders.get(1)).retrieve().body(JSON).get("closed")));
		HttpStatusCode refused = cashier.post()
			.uri("/bills/{id}/payment", this.orders.get(1))
			.exchange((request, response) -> response.getStatusCode());
		assertThat(refused).isEqualTo(HttpStatusCode.valueOf(409));
		Map<String, Object> health = client("manager").get().uri("/actuator/health").retrieve().body(JSON);
		assertThat(health).containsEntry("status", "UP");
		Map<String, Object> report = client("manager").get().uri("/actuator/processes").retrieve().body(JSON);
		assertThat(report).containsKey("OrderProcess");
		Map<String, Object> one = client("manager").get()
			.uri("/actuator/processes/OrderProcess/{id}", this.orders.get(0))
			.retrieve()
			.body(JSON);
		assertThat(one).containsEntry("status", "COMPLETED").containsEntry("version", 1);
		assertThat((String) one.get("state")).contains("\"paid\":true");
		// moving an order to another version is the operator's: refused to anyone else,
		// while the operator's request reaches the operation (a completed order stays)
		assertThat(upgrade(client("manager"), this.orders.get(0))).isEqualTo(HttpStatusCode.valueOf(401));
		RestClient operator = client("manager").mutate()
			.defaultHeaders((headers) -> headers.setBasicAuth("operator", OPERATOR_PASSWORD))
			.build();
		assertThat(upgrade(operator, this.orders.get(0))).isEqualTo(HttpStatusCode.valueOf(400));
		assertThat(processes.find("OrderProcess", this.orders.get(0)).version()).isEqualTo(1);
	}

	private static HttpStatusCode upgrade(RestClient manager, String order) {
		return manager.post()
			.uri("/actuator/processes/OrderProcess/{id}", order)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("toVersion", 2))
			.exchange((request, response) -> response.getStatusCode());
	}

	private ConfigurableApplicationContext start(String service) {
		// arguments, so that they win over the profile's application-<service>.yml
		return new SpringApplicationBuilder(SampleApplication.class).profiles(service)
			.run("--spring.application.name=" + name(service), "--server.port=0",
					"--restaurant.kitchen-service=" + name("kitchen"),
					"--restaurant.cashier-service=" + name("cashier"), "--restaurant.payment-timeout=6s",
					"--restaurant.demo=false", "--eventsource.partitioned.partitions=2",
					"--eventsource.relay.poll-interval=200ms", "--eventsource.replay.catch-up-on-start=false",
					"--eventsource.processes.timeout-poll-interval=200ms",
					"--eventsource.registry.heartbeat-interval=1s",
					"--spring.security.user.password=" + OPERATOR_PASSWORD);
	}

	private String name(String service) {
		return service + "-" + this.suffix;
	}

	private RestClient client(String service) {
		String port = this.services.get(service).getEnvironment().getProperty("local.server.port");
		return RestClient.create("http://localhost:" + port);
	}

	@AfterEach
	void stopAndCleanUp() {
		ConfigurableApplicationContext any = this.services.values().stream().findFirst().orElse(null);
		Map<String, List<String>> listened = Map.of("waiter", List.of("OrderOutcome"), "kitchen",
				List.of("KitchenTicket"), "cashier", List.of("CashierTicket", "OrderOutcome"), "manager",
				List.of("Order", "Meal", "Bill", "OrderProcess"));
		try {
			if (any != null) {
				JdbcTemplate jdbc = new JdbcTemplate(any.getBean(DataSource.class));
				listened.keySet().forEach((service) -> {
					for (String table : List.of("message_acks", "projection_positions", "parked_events",
							"process_instances", "process_timeouts")) {
						jdbc.update("DELETE FROM " + table + " WHERE service = ?", name(service));
					}
					jdbc.update("DELETE FROM message_consumer_state WHERE consumer_name LIKE ?", name(service) + "/%");
				});
				for (String order : this.orders) {
					jdbc.update("DELETE FROM restaurant_orders WHERE order_id = ?", order);
					jdbc.update("DELETE FROM restaurant_bills WHERE order_id = ?", order);
					// every aggregate of an order (Order, Meal, Bill, the tickets, the
					// outcome, the process's stream) has the order's id: without this,
					// the restaurant of scripts/restaurant.sh, whose services catch up
					// from the log, would meet these orders again, and its manager would
					// derive the same event ids as this test's and fail to publish them
					jdbc.update("DELETE FROM public_messages WHERE aggregate_id = ?", order);
					jdbc.update("DELETE FROM aggregate_sequences WHERE aggregate_id = ?", order);
				}
				this.services.values().forEach(ConfigurableApplicationContext::close);
				CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);
				RabbitAdmin admin = new RabbitAdmin(connectionFactory);
				listened.forEach((service, types) -> {
					for (String type : types) {
						for (int k = 0; k < 2; k++) {
							admin.deleteQueue(PartitionedNames.queue(type, name(service), k));
						}
						admin.deleteQueue(PartitionedNames.instancesQueue(type, name(service)));
					}
				});
				connectionFactory.destroy();
			}
		}
		finally {
			this.services.values().forEach(ConfigurableApplicationContext::close);
		}
	}

}
