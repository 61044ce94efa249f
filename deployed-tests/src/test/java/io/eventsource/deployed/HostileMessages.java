package io.eventsource.deployed;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.rabbitmq.client.AMQP;

/**
 * Generates messages that are not eventsource events, from a seed (printed by the test,
 * so that a failing run can be repeated): random bytes with NULs, invalid UTF-8,
 * truncated and deeply nested JSON, bodies of a megabyte, headers missing, of the wrong
 * AMQP type or with unbounded values, sequences no {@code long} holds, ids that are not
 * UUIDs, and known gadget class names as event types. Each message is broken in at least
 * one way that makes it something no handler may be given.
 */
final class HostileMessages {

	private static final String[] GADGETS = { "java.lang.Runtime", "java.lang.ProcessBuilder",
			"com.sun.rowset.JdbcRowSetImpl", "org.springframework.beans.factory.config.PropertyPathFactoryBean",
			"ch.qos.logback.core.db.DriverManagerConnectionSource", "org.apache.xbean.propertyeditor.JndiConverter",
			"javax.script.ScriptEngineManager", "java.net.URLClassLoader" };

	private final Random random;

	HostileMessages(long seed) {
		this.random = new Random(seed);
	}

	/**
	 * Returns a message for a queue of events: the per-aggregate or a partition queue.
	 * @param aggregateType the aggregate type of the queue
	 * @param aggregateId an aggregate id of the queue
	 * @return the message
	 */
	Hostile event(String aggregateType, String aggregateId) {
		Map<String, Object> headers = validHeaders(aggregateType, aggregateId);
		int kind = this.random.nextInt(9);
		byte[] body = "{\"step\":1}".getBytes(StandardCharsets.UTF_8);
		String name;
		switch (kind) {
			case 0 -> {
				name = "random bytes, headers missing";
				body = randomBytes(this.random.nextInt(4096));
				headers.clear();
			}
			case 1 -> {
				name = "invalid UTF-8 body and header";
				body = new byte[] { (byte) 0xC3, 0x28, 0, (byte) 0xFF, (byte) 0xFE, '{' };
				headers.put("cloudEvents_id", new String(randomBytes(40), StandardCharsets.ISO_8859_1));
			}
			case 2 -> {
				name = "header of another AMQP type";
				String header = pick(new ArrayList<>(headers.keySet()));
				headers.put(header, oddValue());
			}
			case 3 -> {
				name = "sequence no long holds";
				headers.put("cloudEvents_sequence", pick(List.of("99999999999999999999999", "-1", "0", "1e9", "NaN", "",
						"9".repeat(5000), "0x10", " 1")));
			}
			case 4 -> {
				name = "id not a UUID";
				headers.put("cloudEvents_id", pick(List.of("", "not-a-uuid", "\u0000".repeat(36), "x".repeat(70_000),
						UUID.randomUUID() + "-trailing")));
			}
			case 5 -> {
				name = "gadget type, polymorphic body, no specversion";
				headers.put("cloudEvents_type", pick(List.of(GADGETS)));
				headers.remove("cloudEvents_specversion");
				body = ("[\"" + pick(List.of(GADGETS)) + "\",{\"command\":\"touch /tmp/pwned\"}]")
					.getBytes(StandardCharsets.UTF_8);
			}
			case 6 -> {
				name = "deeply nested JSON, no id";
				body = ("[".repeat(20_000 + this.random.nextInt(80_000))).getBytes(StandardCharsets.UTF_8);
				headers.remove("cloudEvents_id");
			}
			case 7 -> {
				name = "truncated JSON, NUL in the type";
				body = "{\"step\": 12".getBytes(StandardCharsets.UTF_8);
				headers.put("cloudEvents_type", "OrderStepped\u0000" + "x".repeat(this.random.nextInt(300)));
				headers.put("cloudEvents_id", "\u0000");
			}
			default -> {
				name = (this.random.nextInt(50) == 0) ? "a megabyte of bytes, huge header" : "huge header";
				if (name.startsWith("a megabyte")) {
					body = randomBytes(1024 * 1024);
				}
				headers.put("cloudEvents_subject", "y".repeat(100_000));
				headers.put("x-" + "z".repeat(200), new String(randomBytes(2000), StandardCharsets.ISO_8859_1));
			}
		}
		// whatever else the case broke: a name no producer could publish
		headers.put("cloudEvents_aggregatetype",
				pick(List.of("Not A Type", "Type\u0000", "", "T".repeat(300), "Deployed\tOrder")));
		return new Hostile(name, body, properties(headers));
	}

	/**
	 * Returns an event with valid headers of a new aggregate (sequence 1, the next one)
	 * and a body that cannot bind to the handler's class: deeply nested, truncated, a
	 * gadget array, text for a number, or a megabyte of it.
	 * @param aggregateType the aggregate type
	 * @param eventType the event type of the handler
	 * @param aggregateId an aggregate id nobody publishes
	 * @return the message
	 */
	Hostile payload(String aggregateType, String eventType, String aggregateId) {
		Map<String, Object> headers = validHeaders(aggregateType, aggregateId);
		headers.put("cloudEvents_type", eventType);
		String body = switch (this.random.nextInt(5)) {
			case 0 -> "[".repeat(2_000 + this.random.nextInt(100_000));
			case 1 -> "{\"step\": 12";
			case 2 -> "[\"" + pick(List.of(GADGETS)) + "\",{\"command\":\"touch /tmp/pwned\"}]";
			case 3 -> "{\"step\":\"" + "9".repeat(1 + this.random.nextInt(200)) + "x\"}";
			default -> "{\"step\":\"" + "x".repeat((this.random.nextInt(20) == 0) ? 1024 * 1024 : 10) + "\"}";
		};
		return new Hostile("payload that cannot bind", body.getBytes(StandardCharsets.UTF_8), properties(headers));
	}

	/**
	 * Returns an announcement that cannot name a queue.
	 * @return the message for an aggregate ids exchange
	 */
	Hostile announcement() {
		byte[] body = switch (this.random.nextInt(5)) {
			case 0 -> "x".repeat(256 + this.random.nextInt(70_000)).getBytes(StandardCharsets.UTF_8);
			case 1 -> new byte[0];
			case 2 -> randomBytes(1 + this.random.nextInt(100));
			case 3 -> ("id\u0000" + this.random.nextInt()).getBytes(StandardCharsets.UTF_8);
			default -> new byte[] { (byte) 0xC3, 0x28, (byte) 0xFF };
		};
		return new Hostile("announcement that cannot name a queue", body,
				new AMQP.BasicProperties.Builder().deliveryMode(2).build());
	}

	private Map<String, Object> validHeaders(String aggregateType, String aggregateId) {
		Map<String, Object> headers = new LinkedHashMap<>();
		headers.put("cloudEvents_specversion", "1.0");
		headers.put("cloudEvents_id", UUID.randomUUID().toString());
		headers.put("cloudEvents_source", "hostile");
		headers.put("cloudEvents_type", "OrderStepped");
		headers.put("cloudEvents_subject", aggregateId);
		headers.put("cloudEvents_time", "2026-12-07T10:00:00Z");
		headers.put("cloudEvents_aggregatetype", aggregateType);
		headers.put("cloudEvents_sequence", "1");
		headers.put("cloudEvents_partitionkey", aggregateId);
		headers.put("cloudEvents_correlationid", headers.get("cloudEvents_id"));
		return headers;
	}

	private Object oddValue() {
		return switch (this.random.nextInt(10)) {
			case 0 -> Integer.MIN_VALUE;
			case 1 -> Long.MAX_VALUE;
			case 2 -> randomBytes(64);
			case 3 -> Boolean.TRUE;
			case 4 -> Map.of("nested", Map.of("deeper", List.of(1, 2, 3)));
			case 5 -> List.of("a", 1, List.of());
			case 6 -> new Date(Long.MAX_VALUE / 1000);
			case 7 -> new BigDecimal("-1234567.891");
			case 8 -> 3.5e300;
			default -> (byte) -1;
		};
	}

	private static AMQP.BasicProperties properties(Map<String, Object> headers) {
		return new AMQP.BasicProperties.Builder().contentType("application/json")
			.deliveryMode(2)
			.headers(headers)
			.build();
	}

	private byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		if (length > 0) {
			bytes[this.random.nextInt(length)] = 0;
		}
		return bytes;
	}

	private <T> T pick(List<T> choices) {
		return choices.get(this.random.nextInt(choices.size()));
	}

	/**
	 * A generated message.
	 *
	 * @param kind what is wrong with it
	 * @param body its body
	 * @param properties its properties and headers
	 */
	record Hostile(String kind, byte[] body, AMQP.BasicProperties properties) {
	}

}
