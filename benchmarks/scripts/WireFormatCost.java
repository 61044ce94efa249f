

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.topology.internal.EventMessages;

/**
 * What eventsource's wire format costs the broker: the same persistent 300-byte messages
 * published with confirms to one durable queue (no consumer), alternately with the bare
 * client's properties (delivery mode only) and with eventsource's (content type and
 * encoding, message id, timestamp and the CloudEvents headers, built by
 * {@code EventMessages.properties} before the timing). Prints the rate and RabbitMQ's CPU
 * per message of each, and their ratio, per round. Run by {@code wire-format-cost.sh}.
 */
public class WireFormatCost {

	public static void main(String[] args) throws Exception {
		String beam = args[0];
		int count = Integer.parseInt(args[1]);
		int rounds = Integer.parseInt(args[2]);
		long ticksPerSecond = Long.parseLong(args[3]);
		byte[] body = new byte[300];
		Arrays.fill(body, (byte) 'x');
		AMQP.BasicProperties bare = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
		List<AMQP.BasicProperties> eventsource = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			UUID id = UUID.randomUUID();
			eventsource.add(EventMessages.properties(new EventMetadata(id, "BenchWireType", "aggregate-" + (i % 200),
					i / 200 + 1, "BenchEvent", Instant.now(), id.toString(), null, "eventsource-benchmarks",
					Map.of())));
		}
		ConnectionFactory factory = new ConnectionFactory();
		try (Connection connection = factory.newConnection("wire-format-cost");
				Channel channel = connection.createChannel()) {
			String queue = "wire-format-cost-" + UUID.randomUUID();
			channel.queueDeclare(queue, true, false, false, null);
			channel.confirmSelect();
			try {
				for (int round = 1; round <= rounds; round++) {
					double[] bareRun = publish(channel, queue, body, (i) -> bare, count, beam, ticksPerSecond);
					double[] eventsourceRun = publish(channel, queue, body, eventsource::get, count, beam,
							ticksPerSecond);
					System.out.printf(
							"round %d: bare %,.0f msg/s, RabbitMQ %.0f µs per message; eventsource's properties %,.0f msg/s,"
									+ " RabbitMQ %.0f µs per message; rate ratio %.2f, broker CPU ratio %.2f%n",
							round, bareRun[0], bareRun[1], eventsourceRun[0], eventsourceRun[1],
							eventsourceRun[0] / bareRun[0], eventsourceRun[1] / bareRun[1]);
				}
			}
			finally {
				channel.queueDelete(queue);
			}
		}
	}

	private static double[] publish(Channel channel, String queue, byte[] body,
			IntFunction<AMQP.BasicProperties> properties, int count,
			String beam, long ticksPerSecond) throws Exception {
		long ticks = ticks(beam);
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			channel.basicPublish("", queue, true, properties.apply(i), body);
			if (i % 500 == 499) {
				channel.waitForConfirmsOrDie(30_000);
			}
		}
		channel.waitForConfirmsOrDie(30_000);
		double seconds = (System.nanoTime() - start) / 1e9;
		double micros = (ticks(beam) - ticks) * 1e6 / ticksPerSecond / count;
		channel.queuePurge(queue);
		return new double[] { count / seconds, micros };
	}

	private static long ticks(String pid) throws Exception {
		String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

}
