package io.eventsource.topology;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

import org.springframework.util.Assert;

/**
 * The names, routing keys and arguments of the partitioned topology, shared by the relay
 * and the listeners.
 * <p>
 * The relay publishes an event to the durable direct exchange {@code {Type}} with the
 * routing key of its aggregate's bucket: the CRC-32 of the aggregate id's UTF-8 bytes
 * modulo {@value #BUCKETS}. A service with {@code N} partitions binds bucket {@code b} to
 * its queue {@code {Type}.{service}.{b mod N}}, so an aggregate always lands in the same
 * partition ({@code crc32(id) mod N} when {@code N} divides {@value #BUCKETS}), the relay
 * needs to know nothing about the listening services, and each service chooses its own
 * {@code N}. Any client that computes a CRC-32 can publish to or consume this topology.
 */
public final class PartitionedNames {

	/**
	 * The number of buckets aggregate ids are hashed into, which bounds the number of
	 * partitions of a service.
	 */
	public static final int BUCKETS = 256;

	private static final int QUORUM_DELIVERY_LIMIT = 1_000_000_000;

	private PartitionedNames() {
	}

	/**
	 * The durable direct exchange of an aggregate type: {@code {Type}}.
	 * @param aggregateType the aggregate type
	 * @return the exchange name
	 */
	public static String exchange(String aggregateType) {
		return aggregateType;
	}

	/**
	 * A partition queue of a service: {@code {Type}.{service}.{k}}.
	 * @param aggregateType the aggregate type
	 * @param service the service name
	 * @param partition the partition, from 0
	 * @return the queue name
	 */
	public static String queue(String aggregateType, String service, int partition) {
		return aggregateType + "." + service + "." + partition;
	}

	/**
	 * The queue every instance of a service consumes, without it ever holding a message,
	 * so that its consumer count tells how many instances share the partitions:
	 * {@code {Type}.{service}.instances}. Classic, deleted a minute after its last
	 * consumer (a single-active-consumer quorum queue counts only its active consumer).
	 * @param aggregateType the aggregate type
	 * @param service the service name
	 * @return the queue name
	 */
	public static String instancesQueue(String aggregateType, String service) {
		return aggregateType + "." + service + ".instances";
	}

	/**
	 * The bucket of an aggregate id: the CRC-32 of its UTF-8 bytes modulo
	 * {@value #BUCKETS}.
	 * @param aggregateId the aggregate id
	 * @return the bucket, from 0
	 */
	public static int bucket(String aggregateId) {
		CRC32 crc = new CRC32();
		crc.update(aggregateId.getBytes(StandardCharsets.UTF_8));
		return (int) (crc.getValue() % BUCKETS);
	}

	/**
	 * The routing key of an aggregate's events: its bucket in decimal.
	 * @param aggregateId the aggregate id
	 * @return the routing key
	 */
	public static String routingKey(String aggregateId) {
		return Integer.toString(bucket(aggregateId));
	}

	/**
	 * The partition a bucket is bound to.
	 * @param bucket the bucket
	 * @param partitions the number of partitions
	 * @return the partition, from 0
	 */
	public static int partitionOf(int bucket, int partitions) {
		checkPartitions(partitions);
		return bucket % partitions;
	}

	/**
	 * Checks a number of partitions.
	 * @param partitions the number of partitions
	 */
	public static void checkPartitions(int partitions) {
		Assert.isTrue(partitions > 0 && partitions <= BUCKETS,
				() -> "The number of partitions must be between 1 and " + BUCKETS + ", not " + partitions);
	}

	/**
	 * The arguments of the queues that live only while someone uses them (the instances
	 * queue, the replay queues): durable, so that brokers that refuse transient shared
	 * queues accept them, and deleted by the broker a minute after their last consumer.
	 * @return the arguments
	 */
	public static Map<String, Object> expiringQueueArguments() {
		return Map.of("x-expires", 60_000);
	}

	/**
	 * The arguments of every partition queue: {@code x-single-active-consumer}, and for
	 * quorum queues {@code x-queue-type} and a delivery limit high enough never to be
	 * reached (RabbitMQ 4 drops a quorum queue's message after 20 deliveries by default,
	 * and an event waiting behind a gap or a retried one goes back to its queue often).
	 * Every instance must declare a queue with the same ones, or the broker refuses the
	 * second declaration.
	 * @param queueType the kind of queue
	 * @return the arguments
	 */
	public static Map<String, Object> queueArguments(PartitionQueueType queueType) {
		Map<String, Object> arguments = new LinkedHashMap<>();
		arguments.put("x-single-active-consumer", true);
		if (queueType == PartitionQueueType.QUORUM) {
			arguments.put("x-queue-type", "quorum");
			arguments.put("x-delivery-limit", QUORUM_DELIVERY_LIMIT);
		}
		return arguments;
	}

}
