package io.eventsource.listen.internal.peraggregate;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.envelope.internal.UntrustedText;
import io.eventsource.topology.PerAggregateNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reads the aggregate id an announcement on {@code {Type}AggregateIds} carries. An
 * announcement that can never be consumed (not UTF-8, or an id that breaks the rules of
 * {@link AggregateNames}, so that {@code {Type}-{id}-{service}} is no queue name, or not
 * one a relay declares) is dropped: the caller acknowledges it, it is counted in
 * {@code eventsource.announcements.dropped} (tagged {@code aggregate.type},
 * {@code service} and {@code reason}) and logged once, shortened. No event goes with it:
 * a relay announces only ids its publisher accepted, so such an announcement was not sent
 * by eventsource.
 */
final class AnnouncedIds {

	/** The reason of an announcement whose body is not UTF-8. */
	static final String NOT_UTF8 = "not-utf8";

	private static final Log logger = LogFactory.getLog(AnnouncedIds.class);

	private final MeterRegistry registry;

	private final String service;

	AnnouncedIds(MeterRegistry registry, String service) {
		this.registry = registry;
		this.service = service;
	}

	/**
	 * Reads the aggregate id of an announcement, or drops it.
	 * @param aggregateType the aggregate type whose ids queue delivered it
	 * @param body the body
	 * @return the aggregate id, or {@code null} when the announcement was dropped and
	 * must be acknowledged
	 */
	@Nullable String read(String aggregateType, byte[] body) {
		String reason;
		String aggregateId = null;
		if (body.length == 0) {
			reason = AggregateNames.EMPTY;
		}
		else if (body.length > AggregateNames.MAX_AGGREGATE_ID_BYTES) {
			// no need to decode what cannot be an id
			reason = AggregateNames.TOO_LONG;
		}
		else {
			try {
				aggregateId = StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(body))
					.toString();
				reason = AggregateNames.aggregateIdViolation(aggregateId);
			}
			catch (CharacterCodingException ex) {
				reason = NOT_UTF8;
			}
		}
		if (reason == null) {
			return aggregateId;
		}
		dropped(aggregateType, reason, body);
		return null;
	}

	private void dropped(String aggregateType, String reason, byte[] body) {
		Counter.builder("eventsource.announcements.dropped")
			.description("Announcements of aggregate ids that can never name a queue, dropped")
			.tag("aggregate.type", aggregateType)
			.tag("service", this.service)
			.tag("reason", reason)
			.register(this.registry)
			.increment();
		logger.warn("Dropped an announcement on " + PerAggregateNames.aggregateIdsQueue(aggregateType, this.service)
				+ " (" + reason + "): '" + UntrustedText.abbreviate(body)
				+ "' cannot be the aggregate id of an event; it names no queue to consume");
	}

}
