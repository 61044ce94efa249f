package io.eventsource.listen.internal.partitioned;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * Tells a broker's "not found" (a passive declaration of a queue that does not exist)
 * from other failures, such as a connection that dropped.
 */
final class NotFound {

	private static final int NOT_FOUND = 404;

	private NotFound() {
	}

	static boolean is(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof ShutdownSignalException signal
					&& signal.getReason() instanceof AMQP.Channel.Close close) {
				return close.getReplyCode() == NOT_FOUND;
			}
		}
		return false;
	}

}
