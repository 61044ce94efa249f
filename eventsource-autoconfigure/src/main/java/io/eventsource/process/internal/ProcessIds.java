package io.eventsource.process.internal;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids derived from what caused the event: the same cause always gives the same id,
 * so a second append of the same event fails or is skipped.
 */
final class ProcessIds {

	private ProcessIds() {
	}

	static UUID derived(String... parts) {
		return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
	}

}
