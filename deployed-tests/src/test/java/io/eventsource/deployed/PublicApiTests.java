package io.eventsource.deployed;

import io.eventsource.architecture.PublicApi;
import org.junit.jupiter.api.Test;

/**
 * The deployed test service use only the library's public API, as the README lists it.
 */
class PublicApiTests {

	@Test
	void importsNoInternalType() {
		PublicApi.assertUsesOnlyTheApi("io.eventsource.deployed");
	}

}
