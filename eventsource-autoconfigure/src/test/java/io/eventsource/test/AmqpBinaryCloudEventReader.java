package io.eventsource.test;

import java.util.Map;
import java.util.function.BiConsumer;

import com.rabbitmq.client.AMQP;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.message.impl.BaseGenericBinaryMessageReaderImpl;

/**
 * Reads an AMQP message in the binary content mode of the CloudEvents AMQP binding with
 * the CloudEvents Java SDK's own binary reader, which validates the attributes and builds
 * the event. The released SDK has no Spring AMQP binding yet, so this gives the SDK's
 * generic reader the binding's {@code cloudEvents_} and {@code cloudEvents:} prefixes and
 * the AMQP content type.
 */
public final class AmqpBinaryCloudEventReader extends BaseGenericBinaryMessageReaderImpl<String, Object> {

	private static final String CONTENT_TYPE = "content-type";

	private final Map<String, Object> headers;

	private final String contentType;

	private AmqpBinaryCloudEventReader(SpecVersion version, byte[] body, Map<String, Object> headers,
			String contentType) {
		super(version, BytesCloudEventData.wrap(body));
		this.headers = headers;
		this.contentType = contentType;
	}

	/**
	 * Reads a message as a CloudEvent.
	 * @param properties the AMQP properties
	 * @param body the body
	 * @return the event
	 */
	public static CloudEvent read(AMQP.BasicProperties properties, byte[] body) {
		Map<String, Object> headers = properties.getHeaders();
		Object version = headers.get("cloudEvents_specversion");
		if (version == null) {
			version = headers.get("cloudEvents:specversion");
		}
		return new AmqpBinaryCloudEventReader(SpecVersion.parse(String.valueOf(version)), body, headers,
				properties.getContentType())
			.toEvent();
	}

	@Override
	protected boolean isContentTypeHeader(String key) {
		return CONTENT_TYPE.equals(key);
	}

	@Override
	protected boolean isCloudEventsHeader(String key) {
		return key.startsWith("cloudEvents_") || key.startsWith("cloudEvents:");
	}

	@Override
	protected String toCloudEventsKey(String key) {
		return key.substring("cloudEvents_".length());
	}

	@Override
	protected void forEachHeader(BiConsumer<String, Object> fn) {
		if (this.contentType != null) {
			fn.accept(CONTENT_TYPE, this.contentType);
		}
		this.headers.forEach(fn);
	}

	@Override
	protected String toCloudEventsValue(Object value) {
		return value.toString();
	}

}
