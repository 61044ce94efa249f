

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * What declaring a live per-aggregate queue again costs the relay when it waits for the
 * broker: for a set of existing aggregates (auto-delete fanout exchange, durable queue
 * with the relay's arguments, binding), times the relay's renewal before {@code 4024c4d}
 * (exchange declare, queue declare and bind, each awaited) against a queue declaration
 * alone, and the bind alone, in alternating rounds. Prints mean, p50, p99 and max per
 * call. Run by {@code declare-cost.sh}.
 */
public class DeclareCost {

	public static void main(String[] args) throws Exception {
		int aggregates = Integer.parseInt(args[0]);
		int rounds = Integer.parseInt(args[1]);
		String prefix = "DeclareCost" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> arguments = Map.of("x-expires", 60_000, "x-single-active-consumer", true);
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
			try {
				for (int i = 0; i < aggregates; i++) {
					declareAll(channel, prefix, i, arguments);
				}
				for (int round = 1; round <= rounds; round++) {
					long[] all = new long[aggregates];
					long[] queue = new long[aggregates];
					long[] bind = new long[aggregates];
					for (int i = 0; i < aggregates; i++) {
						long start = System.nanoTime();
						declareAll(channel, prefix, i, arguments);
						all[i] = System.nanoTime() - start;
					}
					for (int i = 0; i < aggregates; i++) {
						long start = System.nanoTime();
						channel.queueDeclare(prefix + "-" + i + "-svc", true, false, false, arguments);
						queue[i] = System.nanoTime() - start;
					}
					for (int i = 0; i < aggregates; i++) {
						long start = System.nanoTime();
						channel.queueBind(prefix + "-" + i + "-svc", prefix + "-" + i, "");
						bind[i] = System.nanoTime() - start;
					}
					System.out.printf("round %d/%d, %d aggregates: exchange + queue + bind %s; queue declare alone %s;"
							+ " bind alone %s%n", round, rounds, aggregates, figures(all), figures(queue), figures(bind));
				}
			}
			finally {
				for (int i = 0; i < aggregates; i++) {
					// the auto-delete exchange goes with its last binding
					channel.queueDelete(prefix + "-" + i + "-svc");
				}
			}
		}
	}

	private static void declareAll(Channel channel, String prefix, int i, Map<String, Object> arguments)
			throws Exception {
		channel.exchangeDeclare(prefix + "-" + i, "fanout", true, true, null);
		channel.queueDeclare(prefix + "-" + i + "-svc", true, false, false, arguments);
		channel.queueBind(prefix + "-" + i + "-svc", prefix + "-" + i, "");
	}

	private static String figures(long[] nanos) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		double mean = Arrays.stream(sorted).average().orElse(0) / 1e3;
		return String.format("mean %.0f µs, p50 %d, p99 %d, max %d", mean, sorted[sorted.length / 2] / 1000,
				sorted[(int) (sorted.length * 0.99)] / 1000, sorted[sorted.length - 1] / 1000);
	}

}
