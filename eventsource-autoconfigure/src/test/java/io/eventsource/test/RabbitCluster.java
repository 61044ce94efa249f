package io.eventsource.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three-node RabbitMQ cluster of {@code scripts/cluster.sh} (AMQP on
 * 127.0.0.1:5673-5675, management on 15673-15675), for the cluster tests. A cluster that
 * already answers (the script's, or compose.yaml's "cluster" profile) is used as it is
 * and left running; otherwise {@link #start()} starts one with the script and
 * {@link #close()} stops and removes it. When neither works, the test fails with a
 * message saying how to get one.
 */
public final class RabbitCluster implements AutoCloseable {

	/** The AMQP ports of nodes 1, 2 and 3. */
	private static final int[] AMQP_PORTS = { 5673, 5674, 5675 };

	private static final String MANAGEMENT = "http://127.0.0.1:15673/api";

	private final Path script;

	private final boolean started;

	private RabbitCluster(Path script, boolean started) {
		this.script = script;
		this.started = started;
	}

	/**
	 * Returns the running cluster, starting it with the script when no node answers.
	 * @return the cluster
	 */
	public static RabbitCluster start() {
		Path script = findScript();
		if (allNodesAnswer()) {
			return new RabbitCluster(script, false);
		}
		String output = run(script, 300, "start");
		if (!allNodesAnswer()) {
			throw new IllegalStateException("The RabbitMQ cluster did not start: " + output
					+ "\nThe cluster tests need RabbitMQ installed (rabbitmq-server under /usr/lib/rabbitmq/bin, "
					+ "or RABBITMQ_SBIN) for scripts/cluster.sh, or a cluster on 127.0.0.1:5673-5675, for example "
					+ "`docker compose --profile cluster up -d`.");
		}
		return new RabbitCluster(script, true);
	}

	/**
	 * Returns the value of {@code spring.rabbitmq.addresses} for the three nodes.
	 * @return the addresses, node 1 first
	 */
	public String addresses() {
		List<String> addresses = new ArrayList<>();
		for (int port : AMQP_PORTS) {
			addresses.add("127.0.0.1:" + port);
		}
		return String.join(",", addresses);
	}

	/**
	 * Stops node {@code n} cleanly ({@code rabbitmqctl stop}).
	 * @param n the node, 1 to 3
	 */
	public void stopNode(int n) {
		run(this.script, 120, "stop-node", Integer.toString(n));
	}

	/**
	 * Starts node {@code n} again and waits until it runs; it rejoins the cluster by
	 * itself.
	 * @param n the node, 1 to 3
	 */
	public void startNode(int n) {
		run(this.script, 180, "start-node", Integer.toString(n));
	}

	/**
	 * Returns whether node {@code n} accepts AMQP connections.
	 * @param n the node, 1 to 3
	 * @return whether its port answers
	 */
	public boolean answers(int n) {
		return portAnswers(AMQP_PORTS[n - 1]);
	}

	/**
	 * Deletes, through node 1's management API, the queues whose names contain a text:
	 * the clean-up of a test on a cluster it did not start.
	 * @param fragment the text, for example the test's service name
	 */
	public void deleteQueuesNamed(String fragment) {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		String auth = "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
		try {
			HttpResponse<String> queues = http.send(HttpRequest.newBuilder(URI.create(MANAGEMENT + "/queues/%2F"))
				.header("Authorization", auth)
				.build(), HttpResponse.BodyHandlers.ofString());
			Matcher names = Pattern.compile("\"name\":\"([^\"]*)\"").matcher(queues.body());
			while (names.find()) {
				String name = names.group(1);
				if (name.contains(fragment)) {
					http.send(HttpRequest
						.newBuilder(URI.create(MANAGEMENT + "/queues/%2F/" + RabbitTestClient.encode(name)))
						.header("Authorization", auth)
						.DELETE()
						.build(), HttpResponse.BodyHandlers.discarding());
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot delete the cluster's queues of " + fragment, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Stops and removes the cluster if {@link #start()} started it.
	 */
	@Override
	public void close() {
		if (this.started) {
			run(this.script, 120, "stop");
		}
	}

	private static boolean allNodesAnswer() {
		for (int port : AMQP_PORTS) {
			if (!portAnswers(port)) {
				return false;
			}
		}
		return true;
	}

	private static boolean portAnswers(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Path findScript() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path script = dir.resolve("scripts/cluster.sh");
			if (Files.isRegularFile(script)) {
				return script;
			}
		}
		throw new IllegalStateException("scripts/cluster.sh not found above " + Path.of("").toAbsolutePath());
	}

	private static String run(Path script, long timeoutSeconds, String... arguments) {
		List<String> command = new ArrayList<>(List.of("bash", script.toString()));
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " took over " + timeoutSeconds + " s");
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IllegalStateException(
						String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted running " + command, ex);
		}
	}

}
