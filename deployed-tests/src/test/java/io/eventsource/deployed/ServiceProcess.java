package io.eventsource.deployed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * One instance of a deployed service: a JVM of its own started with {@code java -jar}
 * from the packaged jar, its output in a log file of its own. It can be killed with
 * {@code SIGKILL} and started again with the same arguments.
 */
final class ServiceProcess {

	private final String name;

	private final List<String> arguments;

	private final Path log;

	private Process process;

	private ServiceProcess(String name, List<String> arguments, Path log) {
		this.name = name;
		this.arguments = arguments;
		this.log = log;
		this.process = launch();
	}

	/**
	 * Starts an instance.
	 * @param name a name for the report and the log file
	 * @param logs the folder of the log files
	 * @param arguments the application's arguments ({@code --name=value})
	 * @return the running instance
	 */
	static ServiceProcess start(String name, Path logs, List<String> arguments) {
		return new ServiceProcess(name, List.copyOf(arguments), logs.resolve(name + ".log"));
	}

	private Process launch() {
		String jar = System.getProperty("deployed.jar", "target/eventsource-deployed-tests.jar");
		if (!new File(jar).isFile()) {
			throw new IllegalStateException("The packaged service " + jar + " is missing: run the tests with "
					+ "'./mvnw verify' (the jar is built in the package phase, before these tests)");
		}
		List<String> command = new ArrayList<>();
		command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar));
		command.addAll(this.arguments);
		try {
			Files.createDirectories(this.log.getParent());
			return new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String name() {
		return this.name;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Kills the instance with {@code SIGKILL}: no shutdown hook, nothing finished.
	 */
	void kill() {
		this.process.destroyForcibly();
		await().atMost(Duration.ofSeconds(30)).until(() -> !this.process.isAlive());
	}

	/**
	 * Starts the instance again, with the same arguments, once it is gone.
	 */
	void restart() {
		if (this.process.isAlive()) {
			throw new IllegalStateException(this.name + " still runs");
		}
		this.process = launch();
	}

	/**
	 * Asks the instance's JVM for a full garbage collection ({@code jcmd GC.run}).
	 */
	void collectGarbage() {
		String jcmd = System.getProperty("java.home") + File.separator + "bin" + File.separator + "jcmd";
		try {
			Process gc = new ProcessBuilder(jcmd, Long.toString(pid()), "GC.run").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			gc.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Kills the instance without waiting, from a shutdown hook.
	 */
	void destroy() {
		this.process.destroyForcibly();
	}

	/**
	 * Stops the instance the way an operator does ({@code SIGTERM}, then {@code SIGKILL}
	 * after 30 s).
	 */
	void stop() {
		this.process.destroy();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> !this.process.isAlive());
		}
		catch (RuntimeException ex) {
			this.process.destroyForcibly();
		}
	}

	/**
	 * Returns the lines the instance printed so far.
	 * @return the lines
	 */
	List<String> lines() {
		try {
			// decoded leniently: a log line with broken UTF-8 must still count
			return new String(Files.readAllBytes(this.log), StandardCharsets.UTF_8).lines().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns how many bytes the instance printed so far.
	 * @return the size of its log
	 */
	long logBytes() {
		try {
			return Files.size(this.log);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * Returns the length of the longest line the instance printed.
	 * @return the length in characters
	 */
	int longestLine() {
		return lines().stream().mapToInt(String::length).max().orElse(0);
	}

	/**
	 * Returns the last lines the instance printed, for a failure message.
	 * @param count how many
	 * @return the lines, each cut to 300 characters
	 */
	String tail(int count) {
		List<String> lines = lines();
		StringBuilder tail = new StringBuilder();
		for (String line : lines.subList(Math.max(0, lines.size() - count), lines.size())) {
			tail.append((line.length() > 300) ? line.substring(0, 300) + "..." : line).append('\n');
		}
		return tail.toString();
	}

	@Override
	public String toString() {
		return this.name + " (pid " + pid() + ((isAlive()) ? "" : ", exited") + ")";
	}

}
