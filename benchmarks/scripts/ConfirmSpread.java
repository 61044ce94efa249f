

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.LockSupport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

/**
 * How the number of queues that a paced stream of persistent messages is spread over
 * changes the time to their delivery and to their publisher confirms: the partitioned
 * topology's 8 queues against the per-aggregate topology's 200 (one per aggregate), in
 * alternating runs, each queue durable with a consumer acking every delivery. The broker
 * confirms a persistent message once its queue has written it to disk, so every queue
 * that received messages since its last write syncs on its own. No database, no
 * eventsource code: the broker's part of the end-to-end latency and of the relay's
 * confirm wait. Prints p50, p99 and max of each per run. Run by
 * {@code confirm-spread.sh}.
 */
public class ConfirmSpread {

	private static final int[] QUEUES = { 8, 200 };

	public static void main(String[] args) throws Exception {
		int rate = Integer.parseInt(args[0]);
		int seconds = Integer.parseInt(args[1]);
		int rounds = Integer.parseInt(args[2]);
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		try (Connection connection = factory.newConnection()) {
			for (int round = 1; round <= rounds; round++) {
				for (int queues : QUEUES) {
					run(connection, queues, rate, seconds);
				}
			}
		}
	}

	private static void run(Connection connection, int queues, int rate, int seconds) throws Exception {
		String prefix = "ConfirmSpread" + UUID.randomUUID().toString().substring(0, 8) + "-";
		try (Channel admin = connection.createChannel()) {
			try {
				List<Long> delivered = new ArrayList<>();
				List<Long> confirmed = publish(connection, admin, prefix, queues, rate, seconds, delivered);
				System.out.printf("%3d queues, %,d msg/s: delivery %s; confirm %s%n", queues, rate,
						percentiles(delivered), percentiles(confirmed));
			}
			finally {
				for (int q = 0; q < queues; q++) {
					admin.queueDelete(prefix + q);
				}
			}
		}
	}

	private static String percentiles(List<Long> latencies) {
		long[] sorted;
		synchronized (latencies) {
			sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
		}
		return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms", sorted[sorted.length / 2] / 1e6,
				sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
	}

	private static List<Long> publish(Connection connection, Channel admin, String prefix, int queues, int rate,
			int seconds, List<Long> delivered) throws Exception {
		try (Channel consuming = connection.createChannel(); Channel publishing = connection.createChannel()) {
			consuming.basicQos(20);
			for (int q = 0; q < queues; q++) {
				admin.queueDeclare(prefix + q, true, false, false, Map.of("x-expires", 60_000));
				consuming.basicConsume(prefix + q, false, new DefaultConsumer(consuming) {

					@Override
					public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
							byte[] body) throws IOException {
						long latency = System.nanoTime() - ByteBuffer.wrap(body).getLong();
						synchronized (delivered) {
							delivered.add(latency);
						}
						getChannel().basicAck(envelope.getDeliveryTag(), false);
					}

				});
			}
			publishing.confirmSelect();
			ConcurrentSkipListMap<Long, Long> outstanding = new ConcurrentSkipListMap<>();
			List<Long> latencies = new ArrayList<>();
			publishing.addConfirmListener((deliveryTag, multiple) -> {
				long now = System.nanoTime();
				Map<Long, Long> confirmed = multiple ? outstanding.headMap(deliveryTag, true)
						: outstanding.subMap(deliveryTag, true, deliveryTag, true);
				synchronized (latencies) {
					confirmed.values().forEach((sent) -> latencies.add(now - sent));
				}
				confirmed.clear();
			}, (deliveryTag, multiple) -> {
			});
			byte[] body = new byte[300];
			Arrays.fill(body, (byte) 'x');
			AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
			long interval = 1_000_000_000L / rate;
			long begin = System.nanoTime();
			for (int i = 0; i < rate * seconds; i++) {
				long wait;
				while ((wait = begin + i * interval - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				long now = System.nanoTime();
				ByteBuffer.wrap(body).putLong(now);
				outstanding.put(publishing.getNextPublishSeqNo(), now);
				publishing.basicPublish("", prefix + (i % queues), persistent, body);
			}
			publishing.waitForConfirmsOrDie(30_000);
			long deadline = System.nanoTime() + 30_000_000_000L;
			while (delivered.size() < rate * seconds && System.nanoTime() < deadline) {
				LockSupport.parkNanos(1_000_000);
			}
			synchronized (latencies) {
				return new ArrayList<>(latencies);
			}
		}
	}

}
