package io.eventsource.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
		return TestServices.answers("127.0.0.1", AMQP_PORTS[n - 1]);
	}

	/**
	 * Deletes, through node 1's management API, the queues whose names contain a text:
	 * the clean-up of a test on a cluster it did not start.
	 * @param fragment the text, for example the test's service name
	 */
	public void deleteQueuesNamed(String fragment) {
		RabbitManagement management = new RabbitManagement(MANAGEMENT);
		for (JsonNode queue : JsonMapper.builder().build().readTree(management.call("GET", "/queues/%2F", null))) {
			String name = queue.path("name").asString();
			if (name.contains(fragment)) {
				management.call("DELETE", "/queues/%2F/" + RabbitTestClient.encode(name), null);
			}
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
			if (!TestServices.answers("127.0.0.1", port)) {
				return false;
			}
		}
		return true;
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
		return TestServices.run(Duration.ofSeconds(timeoutSeconds), command.toArray(String[]::new));
	}

}
