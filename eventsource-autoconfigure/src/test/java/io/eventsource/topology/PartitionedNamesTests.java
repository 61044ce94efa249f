package io.eventsource.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The routing of the partitioned topology is a contract with every producer and consumer
 * (in any language): these values must never change.
 */
class PartitionedNamesTests {

	@Test
	void bucketIsTheCrc32OfTheUtf8BytesModulo256() {
		// zlib.crc32(b"123") % 256 in Python, crc32 in any other library
		assertThat(PartitionedNames.bucket("123")).isEqualTo(210);
		assertThat(PartitionedNames.bucket("order-1")).isEqualTo(239);
		assertThat(PartitionedNames.bucket("Ω-1")).isEqualTo(19);
		assertThat(PartitionedNames.routingKey("123")).isEqualTo("210");
	}

	@Test
	void namesAndArguments() {
		assertThat(PartitionedNames.exchange("Product")).isEqualTo("Product");
		assertThat(PartitionedNames.queue("Product", "catalog", 3)).isEqualTo("Product.catalog.3");
		assertThat(PartitionedNames.instancesQueue("Product", "catalog")).isEqualTo("Product.catalog.instances");
		assertThat(PartitionedNames.expiringQueueArguments()).isEqualTo(Map.of("x-expires", 60_000));
		assertThat(PartitionedNames.queueArguments(PartitionQueueType.CLASSIC))
			.isEqualTo(Map.of("x-single-active-consumer", true));
		assertThat(PartitionedNames.queueArguments(PartitionQueueType.QUORUM)).isEqualTo(
				Map.of("x-single-active-consumer", true, "x-queue-type", "quorum", "x-delivery-limit", 1_000_000_000));
	}

	@Test
	void aggregatesSpreadOverThePartitions() {
		Map<Integer, Integer> perPartition = new HashMap<>();
		IntStream.range(0, 10_000)
			.forEach((i) -> perPartition.merge(PartitionedNames.partitionOf(PartitionedNames.bucket("order-" + i), 8),
					1, Integer::sum));
		assertThat(perPartition).hasSize(8);
		assertThat(perPartition.values()).allSatisfy((count) -> assertThat(count).isBetween(1_100, 1_400));
	}

	@Test
	void partitionsAreBetweenOneAndTheNumberOfBuckets() {
		PartitionedNames.checkPartitions(1);
		PartitionedNames.checkPartitions(256);
		assertThatIllegalArgumentException().isThrownBy(() -> PartitionedNames.checkPartitions(0));
		assertThatIllegalArgumentException().isThrownBy(() -> PartitionedNames.checkPartitions(257))
			.withMessageContaining("between 1 and 256, not 257");
	}

}
