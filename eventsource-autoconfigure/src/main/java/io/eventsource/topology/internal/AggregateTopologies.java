package io.eventsource.topology.internal;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.eventsource.topology.TopologyType;

/**
 * Which topology each aggregate type travels through: a default, overridden per aggregate
 * type.
 */
public final class AggregateTopologies {

	private final TopologyType defaultType;

	private final Map<String, TopologyType> overrides;

	/**
	 * Creates the choice.
	 * @param defaultType the topology of an aggregate type without an override
	 * @param overrides the topology by aggregate type
	 */
	public AggregateTopologies(TopologyType defaultType, Map<String, TopologyType> overrides) {
		this.defaultType = defaultType;
		this.overrides = Map.copyOf(overrides);
	}

	/**
	 * Returns one topology for every aggregate type.
	 * @param type the topology
	 * @return the choice
	 */
	public static AggregateTopologies all(TopologyType type) {
		return new AggregateTopologies(type, Map.of());
	}

	/**
	 * Returns the topology of an aggregate type.
	 * @param aggregateType the aggregate type
	 * @return its topology
	 */
	public TopologyType of(String aggregateType) {
		return this.overrides.getOrDefault(aggregateType, this.defaultType);
	}

	/**
	 * Returns the aggregate types, among the given ones, that travel through a topology.
	 * @param aggregateTypes the aggregate types
	 * @param type the topology
	 * @return those of the given types that use it, in the given order
	 */
	public Set<String> select(Collection<String> aggregateTypes, TopologyType type) {
		Set<String> selected = new LinkedHashSet<>();
		for (String aggregateType : aggregateTypes) {
			if (of(aggregateType) == type) {
				selected.add(aggregateType);
			}
		}
		return selected;
	}

}
