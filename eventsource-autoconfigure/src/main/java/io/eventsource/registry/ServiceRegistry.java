package io.eventsource.registry;

import java.util.Collection;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Which services listen to which aggregate types. Every listening instance heartbeats its
 * service and aggregate types; a service whose last heartbeat is older than the expiry is
 * not live.
 */
public interface ServiceRegistry {

	/**
	 * Returns the services live for an aggregate type.
	 * @param aggregateType the aggregate type
	 * @return the names of the live services, possibly empty
	 * @throws RegistryUnavailableException if the registry cannot be read and nothing is
	 * known
	 */
	Set<String> liveServices(String aggregateType);

	/**
	 * Records that a service listens to aggregate types, now.
	 * @param service the service name
	 * @param aggregateTypes the aggregate types it listens to
	 * @throws RegistryUnavailableException if the registry cannot be written
	 */
	void heartbeat(String service, Collection<String> aggregateTypes);

	/**
	 * Returns whether the registry answered the last time it was asked, for the health
	 * indicator.
	 * @return the status, or {@code null} when this registry does not keep it (the
	 * default)
	 */
	default @Nullable RegistryStatus status() {
		return null;
	}

}
