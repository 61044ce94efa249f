package io.eventsource.topology.internal;

import java.util.List;
import java.util.Map;

import io.eventsource.topology.TopologyType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AggregateTopologiesTests {

	@Test
	void anOverrideWinsOverTheDefault() {
		AggregateTopologies topologies = new AggregateTopologies(TopologyType.PARTITIONED,
				Map.of("Product", TopologyType.PER_AGGREGATE));
		assertThat(topologies.of("Product")).isEqualTo(TopologyType.PER_AGGREGATE);
		assertThat(topologies.of("Order")).isEqualTo(TopologyType.PARTITIONED);
		assertThat(topologies.select(List.of("Order", "Product", "Invoice"), TopologyType.PARTITIONED))
			.containsExactly("Order", "Invoice");
		assertThat(AggregateTopologies.all(TopologyType.PER_AGGREGATE).of("Order"))
			.isEqualTo(TopologyType.PER_AGGREGATE);
	}

}
