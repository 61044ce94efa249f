package io.eventsource.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.awaitility.Awaitility.await;

/**
 * The management HTTP API of one RabbitMQ node (guest/guest), for tests.
 */
public final class RabbitManagement {

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final String baseUrl;

	/**
	 * Creates a client of the API at a base URL.
	 * @param baseUrl the URL up to and including {@code /api}
	 */
	public RabbitManagement(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	/**
	 * Calls the API, waiting up to a minute for it to answer (after a broker restart the
	 * management listener comes back later than AMQP).
	 * @param method the HTTP method
	 * @param path the path after {@code /api}, already encoded
	 * @param json the body, or {@code null}
	 * @return the response body
	 * @throws IllegalStateException if the API does not answer or answers with an error
	 */
	public String call(String method, String path, String json) {
		String credentials = Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.header("Authorization", "Basic " + credentials)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(10));
		request.method(method,
				(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		try {
			HttpResponse<String> response = await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(500))
				.ignoreException(java.net.ConnectException.class)
				.until(() -> this.http.send(request.build(), HttpResponse.BodyHandlers.ofString()), (answer) -> true);
			if (response.statusCode() >= 400) {
				throw new IllegalStateException(
						method + " " + path + " answered " + response.statusCode() + ": " + response.body());
			}
			return response.body();
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			throw new IllegalStateException("The RabbitMQ management API at " + this.baseUrl + " does not answer", ex);
		}
	}

}
