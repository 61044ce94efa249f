package io.eventsource.listen.internal.dispatch;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import io.eventsource.actuate.internal.EventSourceEndpoint;
import io.eventsource.autoconfigure.EventSourceEndpointAutoConfiguration;
import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.EventType;
import io.eventsource.envelope.internal.CloudEventsAmqpBinding;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.ListenerContainer;
import io.eventsource.publish.EventPublisher;
import io.eventsource.store.internal.ParkedEventRepository.ParkedEvent;
import io.eventsource.store.internal.ParkedPayload;
import io.eventsource.test.EventSourceContexts;
import io.eventsource.test.FastTimings;
import io.eventsource.test.JdbcProjection;
import io.eventsource.test.RabbitTestClient;
import io.eventsource.test.TestCleanUp;
import io.eventsource.test.TestServices.Database;
import io.eventsource.test.TestServices;
import io.eventsource.test.TestTopology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages that are not eventsource events, with generated hostile content (random bytes
 * with NUL, invalid UTF-8, 2 MB bodies, headers with NUL and of every AMQP type), sent
 * with the plain client straight into a listening service's queue between real events of
 * the same aggregate: each ends parked (readable back, its bytes kept or cut as
 * documented) or dropped with a meter, the queue is settled, and the real events are
 * applied in order, also behind one whose parking fails. Different messages get a row
 * each, the same message sent again none, and beyond the service's bound they are
 * dropped.
 */
@ExtendWith(OutputCaptureExtension.class)
class MalformedMessagesIntegrationTests {

	static final String AGGREGATE_TYPE = "HostileTestAccount";

	private static final int BODY_CAP = MalformedMessages.MAX_BODY_BYTES;

	private final String prefix = TestServices.randomSuffix() + "-";

	private final long seed = new Random().nextLong();

	private final Random random = new Random(this.seed);

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withDatabases")
	void messagesThatAreNotEventsAreParkedWhateverTheyCarryAndTheQueueIsSettled(Database database,
			TestTopology topology) {
		String service = "hostile-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "target";
		withService(database, topology, service, aggregate, (context, jdbc, ledger) -> {
			EventPublisher publisher = context.getBean(EventPublisher.class);
			String queue = topology.queueOf(AGGREGATE_TYPE, aggregate, service);
			List<Hostile> sent = new ArrayList<>();
			publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(1));
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 1);
			for (int round = 2; round <= 3; round++) {
				List<Hostile> hostile = generate(aggregate);
				send(queue, hostile);
				sent.addAll(hostile);
				publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(round));
				int applied = round;
				await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == applied);
			}
			await("every message parked (seed " + this.seed + ")").atMost(Duration.ofSeconds(60))
				.until(() -> parkedCount(jdbc, service) == sent.size());
			assertThat(ledger.applied(aggregate)).containsExactly(1, 2, 3);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(count(meters, "eventsource.consumed.events", "projection", EventDispatcher.MALFORMED))
				.isEqualTo(sent.size());
			assertThat(count(meters, "eventsource.messages.dropped", "aggregate.type", AGGREGATE_TYPE)).isZero();
			assertReadableBack(context, sent);

			ParkedEventOperations parked = context.getBean(ParkedEventOperations.class);
			for (ParkedEvent event : parked.list(500)) {
				parked.skip(EventDispatcher.MALFORMED, event.metadata().eventId());
			}
			assertThat(parkedCount(jdbc, service)).isZero();
			publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(4));
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 4);
			assertThat(ledger.applied(aggregate)).containsExactly(1, 2, 3, 4);
			assertSettled(context, topology, queue);
		});
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withTheOtherDatabases")
	void aMessageThatCannotBeParkedIsDroppedWithAMeterAndTheQueueIsSettled(Database database, TestTopology topology) {
		String service = "hostile-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "dropped";
		withService(database, topology, service, aggregate, (context, jdbc, ledger) -> {
			EventPublisher publisher = context.getBean(EventPublisher.class);
			String queue = topology.queueOf(AGGREGATE_TYPE, aggregate, service);
			String trigger = "refuse_parking_" + TestServices.randomSuffix();
			refuseParking(jdbc, database, trigger, service);
			try {
				publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(1));
				await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 1);
				// the trigger fails the first with a generic error (dropped after its
				// attempts, while the second waits behind it), and refuses the second
				// with
				// an error of the data class (its content: dropped at once, counted once)
				send(queue, List.of(hostile(UUID.randomUUID().toString(), randomBytes(512), Map.of()),
						hostile(UUID.randomUUID().toString(), randomBytes(512), Map.of(REFUSED_HEADER, "yes"))));
				publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(2));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await("both messages dropped").atMost(Duration.ofSeconds(60))
					.until(() -> count(meters, "eventsource.messages.dropped", "aggregate.type", AGGREGATE_TYPE) == 2);
				await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 2);
				assertThat(count(meters, "eventsource.messages.dropped", "reason", MalformedMessages.REFUSED))
					.isEqualTo(1);
				assertThat(
						count(meters, "eventsource.messages.dropped", "reason", MalformedMessages.ATTEMPTS_EXHAUSTED))
					.isEqualTo(1);
				assertThat(parkedCount(jdbc, service)).isZero();
				assertThat(ledger.applied(aggregate)).containsExactly(1, 2);
				assertSettled(context, topology, queue);
			}
			finally {
				allowParking(jdbc, database, trigger);
			}
		});
	}

	@ParameterizedTest
	@MethodSource("io.eventsource.test.TestTopology#withDatabases")
	void messagesWithTheSameBodyEachGetARowAndTheSameMessageAgainIsADuplicate(Database database,
			TestTopology topology) {
		String service = "hostile-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "same-body";
		withService(database, topology, service, aggregate, (context, jdbc, ledger) -> {
			EventPublisher publisher = context.getBean(EventPublisher.class);
			String queue = topology.queueOf(AGGREGATE_TYPE, aggregate, service);
			// the first event declares the per-aggregate queue and starts its consumer
			publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(1));
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 1);
			byte[] body = "{\"step\":1}".getBytes(StandardCharsets.UTF_8);
			Hostile broken = new Hostile(null, null, body, Map.of("cloudEvents_specversion", "0.3"));
			Hostile other = new Hostile(null, null, body, Map.of("cloudEvents_id", "x"));
			Hostile withId = new Hostile("not-a-uuid", "application/json", body, Map.of("cloudEvents_id", "x"));
			// the last twice, the same bytes and headers: one message sent again
			send(queue, List.of(broken, other, withId, withId));
			publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(2));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await("every message settled").atMost(Duration.ofSeconds(30))
				.until(() -> count(meters, "eventsource.consumed.events", "projection",
						EventDispatcher.MALFORMED) == 4);
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 2);
			assertThat(parkedCount(jdbc, service)).isEqualTo(3);
			assertThat(context.getBean(ParkedEventOperations.class).list(10))
				.extracting((event) -> event.metadata().headers())
				.containsExactlyInAnyOrder(Map.of("cloudEvents_specversion", "0.3"), Map.of("cloudEvents_id", "x"),
						Map.of("cloudEvents_id", "x"));
			assertThat(consumed(meters, EventDispatcher.MALFORMED, DispatchOutcome.PARKED)).isEqualTo(3);
			assertThat(consumed(meters, EventDispatcher.MALFORMED, DispatchOutcome.DUPLICATE)).isEqualTo(1);
			assertSettled(context, topology, queue);
		});
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void eventsBehindAMalformedMessageThatIsTriedAgainWaitForItAndAreAppliedOnce(Database database) {
		// only a per-aggregate queue holds a message of another aggregate in the lane of
		// real events; a partition queue gives it a lane of its own
		TestTopology topology = TestTopology.PER_AGGREGATE;
		String service = "hostile-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "behind";
		// five attempts over about two seconds: the events published after the message
		// join its lane while it is tried again
		withService(database, topology, service, aggregate,
				List.of("eventsource.listener.retry.initial-delay=300ms", "eventsource.listener.retry.max-delay=500ms"),
				(context, jdbc, ledger) -> {
					EventPublisher publisher = context.getBean(EventPublisher.class);
					String queue = topology.queueOf(AGGREGATE_TYPE, aggregate, service);
					String trigger = "refuse_parking_" + TestServices.randomSuffix();
					publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(1));
					await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 1);
					refuseParking(jdbc, database, trigger, service);
					try {
						// an event of another aggregate at sequence 1: malformed here,
						// and
						// ahead of #2 and #3 in the lane
						UUID eventId = UUID.randomUUID();
						EventMetadata elsewhere = new EventMetadata(eventId, AGGREGATE_TYPE, aggregate + "-elsewhere",
								1, "Deposited", Instant.now(), eventId.toString(), null, "forger", Map.of());
						send(queue,
								List.of(new Hostile(eventId.toString(), CloudEventsAmqpBinding.CONTENT_TYPE,
										"{\"amount\": 99}".getBytes(StandardCharsets.UTF_8),
										CloudEventsAmqpBinding.toHeaders(elsewhere))));
						publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(2));
						publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(3));
						MeterRegistry meters = context.getBean(MeterRegistry.class);
						await("the message dropped after its attempts").atMost(Duration.ofSeconds(30))
							.until(() -> count(meters, "eventsource.messages.dropped", "reason",
									MalformedMessages.ATTEMPTS_EXHAUSTED) == 1);
						await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 3);
						assertThat(ledger.applied(aggregate)).containsExactly(1, 2, 3);
						// counted once committed
						await().atMost(Duration.ofSeconds(10))
							.untilAsserted(
									() -> assertThat(consumed(meters, "ledger", DispatchOutcome.OK)).isEqualTo(3));
						assertThat(consumed(meters, "ledger", DispatchOutcome.DUPLICATE))
							.as("events applied again after the message's failed attempts")
							.isZero();
						assertSettled(context, topology, queue);
					}
					finally {
						allowParking(jdbc, database, trigger);
					}
				});
	}

	@ParameterizedTest
	@MethodSource("boundedParking")
	void beyondTheBoundMessagesAreDroppedAndLoggedOncePerPeriod(Database database, TestTopology topology,
			CapturedOutput output) {
		String service = "hostile-" + TestServices.randomSuffix();
		String aggregate = this.prefix + "flood";
		withService(database, topology, service, aggregate, List.of("eventsource.listener.malformed.max-parked=3"),
				(context, jdbc, ledger) -> {
					EventPublisher publisher = context.getBean(EventPublisher.class);
					String queue = topology.queueOf(AGGREGATE_TYPE, aggregate, service);
					publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(1));
					await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 1);
					List<Hostile> flood = new ArrayList<>();
					for (int i = 0; i < 20; i++) {
						flood.add(hostile(UUID.randomUUID().toString(), randomBytes(1024), Map.of()));
					}
					send(queue, flood);
					publisher.publish(AGGREGATE_TYPE, aggregate, new Deposited(2));
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					await("the flood settled").atMost(Duration.ofSeconds(30))
						.until(() -> count(meters, "eventsource.messages.dropped", "reason",
								MalformedMessages.PARKING_FULL) == 17);
					await().atMost(Duration.ofSeconds(30)).until(() -> ledger.applied(aggregate).size() == 2);
					assertThat(parkedCount(jdbc, service)).isEqualTo(3);
					assertThat(consumed(meters, EventDispatcher.MALFORMED, DispatchOutcome.PARKED)).isEqualTo(3);
					assertThat(output.getOut()
						.lines()
						.filter((line) -> line.contains("eventsource.listener.malformed.max-parked"))
						.count()).as("log lines about the drops").isEqualTo(1);
					assertSettled(context, topology, queue);
				});
	}

	static Stream<Arguments> boundedParking() {
		return Stream.of(Arguments.of(Database.POSTGRESQL, TestTopology.PER_AGGREGATE),
				Arguments.of(Database.MARIADB, TestTopology.PARTITIONED));
	}

	private static long consumed(MeterRegistry meters, String projection, DispatchOutcome outcome) {
		return (long) meters.find("eventsource.consumed.events")
			.tag("projection", projection)
			.tag("outcome", outcome.tagValue())
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	/**
	 * Checks that a queue holds no message, acknowledged or not, once the service has
	 * dealt with every message: a per-aggregate consumer is cancelled once idle (never
	 * while a delivery is unsettled), and once the containers stop, whatever they had not
	 * acknowledged would be back in the queue.
	 */
	private static void assertSettled(AssertableApplicationContext context, TestTopology topology, String queue) {
		if (topology == TestTopology.PER_AGGREGATE) {
			await("the per-aggregate consumer cancelled once idle").atMost(Duration.ofSeconds(30))
				.until(() -> context.getBeansOfType(ListenerContainer.class)
					.values()
					.stream()
					.mapToInt((container) -> container.consumersByAggregateType().getOrDefault(AGGREGATE_TYPE, 0))
					.sum() == 0);
		}
		context.getBeansOfType(ListenerContainer.class).values().forEach(ListenerContainer::stop);
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			assertThat(rabbit.messageCount(queue)).as("messages left in " + queue).isZero();
		}
	}

	private void assertReadableBack(AssertableApplicationContext context, List<Hostile> sent) {
		List<ParkedEvent> parked = context.getBean(ParkedEventOperations.class).list(500);
		assertThat(parked).hasSize(sent.size());
		for (Hostile hostile : sent) {
			byte[] expected = (hostile.body().length > BODY_CAP) ? Arrays.copyOf(hostile.body(), BODY_CAP - 3)
					: hostile.body();
			// a message without an event's headers is parked under an id made from all
			// it carries: found by its body (random, so one of its own)
			ParkedEvent event = parked.stream()
				.filter((candidate) -> startsWith(candidate.payload().bytes(), expected))
				.findFirst()
				.orElse(null);
			assertThat(event).as("parked " + hostile.messageId() + " (seed " + this.seed + ")").isNotNull();
			assertThat(event.projection()).isEqualTo(EventDispatcher.MALFORMED);
			ParkedPayload payload = event.payload();
			byte[] kept = payload.bytes();
			if (hostile.body().length > BODY_CAP) {
				assertThat(payload.truncated()).isTrue();
				assertThat(kept.length).isBetween(BODY_CAP - 3, BODY_CAP);
				assertThat(kept).isEqualTo(Arrays.copyOf(hostile.body(), kept.length));
				assertThat(event.reason()).contains("cut").contains(Integer.toString(hostile.body().length));
			}
			else {
				assertThat(payload.truncated()).isFalse();
				assertThat(kept).as("the bytes of " + hostile.messageId()).isEqualTo(hostile.body());
			}
			assertThat(payload.encoding()).isEqualTo(
					(ParkedPayload.text(kept) != null) ? ParkedPayload.Encoding.TEXT : ParkedPayload.Encoding.BASE64);
			assertThat(event.reason()).doesNotContain("\u0000");
			event.metadata().headers().forEach((name, value) -> {
				assertThat(name).doesNotContain("\u0000");
				assertThat(value).doesNotContain("\u0000").hasSizeLessThan(2 * MalformedHeaders.MAX_BYTES);
			});
			if (hostile.headers().containsKey("nul")) {
				assertThat(event.metadata().headers().get("nul")).startsWith(MalformedHeaders.BASE64);
				assertThat(event.metadata().headers()).containsKey("date").containsKey("table");
			}
		}
		Map<String, Object> report = context.getBean(EventSourceEndpoint.class).report();
		assertThat((List<?>) report.get("parked")).hasSize(sent.size())
			.allSatisfy((described) -> assertThat(((Map<?, ?>) described).get("payloadEncoding")).isNotNull());
	}

	private static boolean startsWith(byte[] bytes, byte[] prefix) {
		return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
	}

	/**
	 * Generates one round of messages that are not events: random bytes with NUL, text
	 * with invalid UTF-8, 2 MB of text and of bytes, headers with NUL and of every AMQP
	 * type, a body with a content type and message id with NUL, an event whose subject
	 * holds a NUL, and one without any property.
	 */
	private List<Hostile> generate(String aggregate) {
		List<Hostile> messages = new ArrayList<>();
		messages.add(hostile(UUID.randomUUID().toString(), randomBytes(1 + this.random.nextInt(4096)), Map.of()));
		messages.add(hostile(UUID.randomUUID().toString(), invalidUtf8(), Map.of()));
		messages.add(hostile(UUID.randomUUID().toString(), largeText(2 * 1024 * 1024), Map.of()));
		messages.add(hostile(UUID.randomUUID().toString(), randomBytes(2 * 1024 * 1024), Map.of()));
		messages.add(hostile(UUID.randomUUID().toString(), randomBytes(64), oddHeaders()));
		messages.add(new Hostile("not-a-uuid\u0000" + "x".repeat(200), "text/\u0000plain", randomBytes(100),
				Map.of("cloudEvents_specversion", "1.0", "cloudEvents_id", "x\u0000y")));
		Map<String, Object> forged = new LinkedHashMap<>();
		forged.put("cloudEvents_specversion", "1.0");
		forged.put("cloudEvents_id", UUID.randomUUID().toString());
		forged.put("cloudEvents_source", "forger");
		forged.put("cloudEvents_type", "Deposited");
		forged.put("cloudEvents_subject", aggregate + "\u0000forged");
		forged.put("cloudEvents_time", Instant.now().toString());
		forged.put("cloudEvents_aggregatetype", AGGREGATE_TYPE);
		forged.put("cloudEvents_sequence", "1");
		forged.put("cloudEvents_correlationid", UUID.randomUUID().toString());
		messages
			.add(hostile(UUID.randomUUID().toString(), "{\"amount\": 99}".getBytes(StandardCharsets.UTF_8), forged));
		messages.add(new Hostile(null, null, randomBytes(10), Map.of()));
		return messages;
	}

	private Map<String, Object> oddHeaders() {
		Map<String, Object> headers = new LinkedHashMap<>();
		headers.put("nul", "a\u0000b");
		headers.put("n\u0000ame", "value");
		headers.put("bytes", randomBytes(32));
		headers.put("longstring", LongStringHelper.asLongString(invalidUtf8()));
		headers.put("table", Map.of("inner", LongStringHelper.asLongString(new byte[] { 0, (byte) 0xFF }), "n", 1));
		headers.put("array", List.of(1, "x\u0000", true, List.of(new byte[] { 0 })));
		headers.put("date", new Date());
		headers.put("decimal", new BigDecimal("12345678.90"));
		headers.put("float", 1.5f);
		headers.put("double", Double.MAX_VALUE);
		headers.put("byte", (byte) -1);
		headers.put("short", (short) 7);
		headers.put("long", Long.MIN_VALUE);
		headers.put("boolean", false);
		headers.put("void", null);
		headers.put("huge", "h".repeat(50_000));
		headers.put("source", "");
		headers.put("correlationid", "\u0000");
		return headers;
	}

	private byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		bytes[this.random.nextInt(length)] = 0;
		return bytes;
	}

	private byte[] invalidUtf8() {
		byte[][] invalid = { { (byte) 0xC3, '(' }, { (byte) 0xFF }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
				{ (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 }, { (byte) 0xE2, (byte) 0x82 } };
		List<Byte> bytes = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			for (byte b : ("word" + this.random.nextInt(1000) + " ").getBytes(StandardCharsets.UTF_8)) {
				bytes.add(b);
			}
			for (byte b : invalid[this.random.nextInt(invalid.length)]) {
				bytes.add(b);
			}
		}
		byte[] result = new byte[bytes.size()];
		for (int i = 0; i < result.length; i++) {
			result[i] = bytes.get(i);
		}
		return result;
	}

	/**
	 * Text of one- and two-byte characters, so that the cap falls inside a character
	 * about half of the time.
	 */
	private byte[] largeText(int length) {
		StringBuilder text = new StringBuilder(length);
		int bytes = 0;
		while (bytes < length) {
			boolean ascii = this.random.nextBoolean();
			text.append(ascii ? 'a' : '\u00e9');
			bytes += ascii ? 1 : 2;
		}
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static Hostile hostile(String messageId, byte[] body, Map<String, Object> headers) {
		return new Hostile(messageId, null, body, headers);
	}

	private static void send(String queue, List<Hostile> messages) {
		try (RabbitTestClient rabbit = new RabbitTestClient()) {
			rabbit.withChannel((channel) -> {
				channel.confirmSelect();
				for (Hostile message : messages) {
					channel.basicPublish("", queue,
							new AMQP.BasicProperties.Builder().messageId(message.messageId())
								.contentType(message.contentType())
								.headers(message.headers().isEmpty() ? null : message.headers())
								.build(),
							message.body());
				}
			});
		}
	}

	private static long count(MeterRegistry meters, String name, String tag, String value) {
		return (long) meters.find(name).tag(tag, value).counters().stream().mapToDouble(Counter::count).sum();
	}

	private static int parkedCount(JdbcTemplate jdbc, String service) {
		Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM parked_events WHERE service = ? AND projection = ?",
				Integer.class, service, EventDispatcher.MALFORMED);
		return (count != null) ? count : 0;
	}

	/**
	 * The header of a message whose parking the trigger refuses with an error of the data
	 * class.
	 */
	private static final String REFUSED_HEADER = "refused-by-the-test";

	/**
	 * Installs a trigger that refuses to park the messages of one service: with an error
	 * of the data class for those with {@link #REFUSED_HEADER}, with a generic error for
	 * the others.
	 */
	private static void refuseParking(JdbcTemplate jdbc, Database database, String trigger, String service) {
		if (database == Database.POSTGRESQL) {
			jdbc.execute("CREATE FUNCTION " + trigger + "() RETURNS trigger AS $$ BEGIN IF NEW.service = '" + service
					+ "' THEN IF NEW.headers LIKE '%" + REFUSED_HEADER
					+ "%' THEN RAISE EXCEPTION 'refused by the test' "
					+ "USING ERRCODE = '22000'; END IF; RAISE EXCEPTION 'failed by the test'; END IF; RETURN NEW; "
					+ "END $$ LANGUAGE plpgsql");
			jdbc.execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON parked_events FOR EACH ROW EXECUTE FUNCTION "
					+ trigger + "()");
		}
		else {
			jdbc.execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON parked_events FOR EACH ROW BEGIN IF "
					+ "NEW.service = '" + service + "' THEN IF NEW.headers LIKE '%" + REFUSED_HEADER + "%' THEN SIGNAL "
					+ "SQLSTATE '22000' SET MESSAGE_TEXT = 'refused by the test'; END IF; SIGNAL SQLSTATE '45000' "
					+ "SET MESSAGE_TEXT = 'failed by the test'; END IF; END");
		}
	}

	private static void allowParking(JdbcTemplate jdbc, Database database, String trigger) {
		if (database == Database.POSTGRESQL) {
			jdbc.execute("DROP TRIGGER IF EXISTS " + trigger + " ON parked_events");
			jdbc.execute("DROP FUNCTION IF EXISTS " + trigger + "()");
		}
		else {
			jdbc.execute("DROP TRIGGER IF EXISTS " + trigger);
		}
	}

	private void withService(Database database, TestTopology topology, String service, String aggregate,
			ServiceTest test) {
		withService(database, topology, service, aggregate, List.of(), test);
	}

	private void withService(Database database, TestTopology topology, String service, String aggregate,
			List<String> properties, ServiceTest test) {
		Ledger ledger = new Ledger();
		runner(database, topology, service).withPropertyValues(properties.toArray(String[]::new))
			.withBean(Ledger.class, () -> ledger)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				Ledger.createTable(jdbc, database);
				try {
					TestTopology.awaitConsuming(context);
					test.run(context, jdbc, ledger);
				}
				finally {
					TestCleanUp.deleteEvents(jdbc, AGGREGATE_TYPE, this.prefix + "%");
					TestCleanUp.deleteInbox(jdbc, service);
					jdbc.update("DELETE FROM hostile_test_applied WHERE aggregate_id LIKE ?", this.prefix + "%");
					TestCleanUp.forgetService(context, AGGREGATE_TYPE, service);
					topology.cleanUp(AGGREGATE_TYPE, service, List.of(aggregate));
				}
			});
	}

	private ApplicationContextRunner runner(Database database, TestTopology topology, String service) {
		return EventSourceContexts.fastRunner(database, topology, service)
			.withConfiguration(AutoConfigurations.of(EventSourceEndpointAutoConfiguration.class))
			.withPropertyValues(FastTimings.RETRIES)
			.withPropertyValues("management.endpoints.web.exposure.include=eventsource");
	}

	@FunctionalInterface
	interface ServiceTest {

		void run(AssertableApplicationContext context, JdbcTemplate jdbc, Ledger ledger) throws Exception;

	}

	/**
	 * A message sent with the plain client.
	 */
	record Hostile(@Nullable String messageId, @Nullable String contentType, byte[] body, Map<String, Object> headers) {

	}

	@EventType(aggregate = AGGREGATE_TYPE)
	record Deposited(int amount) {
	}

	/**
	 * Writes each deposit it applies to a table, in the listener's transaction.
	 */
	static class Ledger extends JdbcProjection {

		@EventSourceListener(projection = "ledger")
		void deposited(Deposited event, EventMetadata metadata) {
			this.jdbc.update("INSERT INTO hostile_test_applied (aggregate_id, amount) VALUES (?, ?)",
					metadata.aggregateId(), event.amount());
		}

		List<Integer> applied(String aggregateId) {
			return this.jdbc.queryForList("SELECT amount FROM hostile_test_applied WHERE aggregate_id = ? ORDER BY id",
					Integer.class, aggregateId);
		}

		static void createTable(JdbcTemplate jdbc, Database database) {
			jdbc.execute("CREATE TABLE IF NOT EXISTS hostile_test_applied ("
					+ ((database == Database.POSTGRESQL) ? "id BIGSERIAL PRIMARY KEY"
							: "id BIGINT AUTO_INCREMENT PRIMARY KEY")
					+ ", aggregate_id VARCHAR(128) NOT NULL, amount INT NOT NULL)");
		}

	}

}
