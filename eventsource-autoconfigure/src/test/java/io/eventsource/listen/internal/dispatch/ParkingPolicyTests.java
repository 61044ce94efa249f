package io.eventsource.listen.internal.dispatch;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ParkingPolicyTests {

	@Test
	void aProjectionOfItsOwnOverridesTheDefaultAttempts() {
		ParkingPolicy policy = new ParkingPolicy(5, Map.of("ledger", 2), DataSize.ofKilobytes(1));
		assertThat(policy.maxAttempts("ledger")).isEqualTo(2);
		assertThat(policy.maxAttempts("search")).isEqualTo(5);
	}

	@Test
	void refusesAttemptsBelowOneNamingTheProjection() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ParkingPolicy(5, Map.of("ledger", 0), DataSize.ofKilobytes(1)))
			.withMessageContaining("'ledger'");
	}

	@Test
	void keepsTenThousandMalformedMessagesUnlessToldAndRefusesANegativeBound() {
		assertThat(new ParkingPolicy(5, DataSize.ofKilobytes(1)).maxMalformedParked()).isEqualTo(10_000);
		assertThat(new ParkingPolicy(5, Map.of(), DataSize.ofKilobytes(1), 0).maxMalformedParked()).isZero();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ParkingPolicy(5, Map.of(), DataSize.ofKilobytes(1), -1))
			.withMessageContaining("'maxMalformedParked'");
	}

}
