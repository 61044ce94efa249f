package io.eventsource.test;

import java.util.List;

import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deletes what a test left in the shared database and registry: its events, the inbox
 * rows of its services, and their heartbeats. Every test names its aggregate types and
 * services with a random suffix, so nothing of another test goes with them.
 */
public final class TestCleanUp {

	private TestCleanUp() {
	}

	/**
	 * Deletes the events of an aggregate type and their sequences.
	 * @param jdbc the database
	 * @param aggregateType the aggregate type
	 */
	public static void deleteEvents(JdbcTemplate jdbc, String aggregateType) {
		jdbc.update("DELETE FROM public_messages WHERE topic = ?", aggregateType);
		jdbc.update("DELETE FROM aggregate_sequences WHERE aggregate_type = ?", aggregateType);
	}

	/**
	 * Deletes the events of the aggregates of a type whose ids match a pattern, and their
	 * sequences.
	 * @param jdbc the database
	 * @param aggregateType the aggregate type
	 * @param aggregateIds the ids, as a {@code LIKE} pattern
	 */
	public static void deleteEvents(JdbcTemplate jdbc, String aggregateType, String aggregateIds) {
		jdbc.update("DELETE FROM public_messages WHERE topic = ? AND aggregate_id LIKE ?", aggregateType, aggregateIds);
		jdbc.update("DELETE FROM aggregate_sequences WHERE aggregate_type = ? AND aggregate_id LIKE ?", aggregateType,
				aggregateIds);
	}

	/**
	 * Deletes the inbox of a service: its ack rows, positions and parked events.
	 * @param jdbc the database
	 * @param service the service
	 */
	public static void deleteInbox(JdbcTemplate jdbc, String service) {
		jdbc.update("DELETE FROM message_acks WHERE service = ?", service);
		jdbc.update("DELETE FROM projection_positions WHERE service = ?", service);
		jdbc.update("DELETE FROM parked_events WHERE service = ?", service);
	}

	/**
	 * Removes a service's heartbeat for an aggregate type from the registry.
	 * @param context a context of the test, with Redis
	 * @param aggregateType the aggregate type
	 * @param service the service
	 */
	public static void forgetService(ApplicationContext context, String aggregateType, String service) {
		context.getBean(StringRedisTemplate.class)
			.opsForZSet()
			.remove("eventsource:services:" + aggregateType, service);
	}

	/**
	 * Deletes everything a listening service of a test left: the events of the test's
	 * aggregates, the service's inbox and catch-up cursors, its heartbeat, and the queues
	 * and exchanges its topology declared for those aggregates.
	 * @param context a context of the test, with Redis
	 * @param jdbc the database
	 * @param topology the topology of the test
	 * @param aggregateType the aggregate type
	 * @param service the service
	 * @param aggregateIds the test's aggregate ids
	 * @param aggregateIdPattern the same ids as a {@code LIKE} pattern
	 */
	public static void deleteService(ApplicationContext context, JdbcTemplate jdbc, TestTopology topology,
			String aggregateType, String service, List<String> aggregateIds, String aggregateIdPattern) {
		deleteEvents(jdbc, aggregateType, aggregateIdPattern);
		deleteListener(context, jdbc, topology, aggregateType, service, aggregateIds);
	}

	/**
	 * Deletes what a listening service of a test left, when the test published no event
	 * through an outbox (a plain client sent them): the service's inbox and catch-up
	 * cursors, its heartbeat, and the queues and exchanges of the test's aggregates.
	 * @param context a context of the test, with Redis
	 * @param jdbc the database
	 * @param topology the topology of the test
	 * @param aggregateType the aggregate type
	 * @param service the service
	 * @param aggregateIds the test's aggregate ids
	 */
	public static void deleteListener(ApplicationContext context, JdbcTemplate jdbc, TestTopology topology,
			String aggregateType, String service, List<String> aggregateIds) {
		deleteInbox(jdbc, service);
		jdbc.update("DELETE FROM message_consumer_state WHERE consumer_name LIKE ?", service + "/%");
		forgetService(context, aggregateType, service);
		topology.cleanUp(aggregateType, service, aggregateIds);
	}

}
