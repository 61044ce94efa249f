package io.eventsource.listen.internal.dispatch;

import java.util.Set;

import io.eventsource.store.internal.AggregateRef;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FailingProjections}.
 */
class FailingProjectionsTests {

	private final FailingProjections failing = new FailingProjections();

	private final AggregateRef order = new AggregateRef("Order", "1");

	@Test
	void aProjectionFailsUntilItDoesSomethingElseWithAnEventOfTheAggregate() {
		this.failing.record("billing", this.order, DispatchOutcome.FAIL);
		this.failing.record("shipping", this.order, DispatchOutcome.FAIL);
		assertThat(this.failing.of(this.order)).containsExactlyInAnyOrder("billing", "shipping");
		// an event that waits after a gap was not tried: the failure stands
		this.failing.record("billing", this.order, DispatchOutcome.GAP);
		assertThat(this.failing.of(this.order)).containsExactlyInAnyOrder("billing", "shipping");
		this.failing.record("billing", this.order, DispatchOutcome.OK);
		this.failing.record("shipping", this.order, DispatchOutcome.PARKED);
		assertThat(this.failing.of(this.order)).isEmpty();
		assertThat(this.failing.isEmpty()).isTrue();
	}

	@Test
	void anAggregateWhoseConsumerStoppedIsForgotten() {
		this.failing.record("billing", this.order, DispatchOutcome.FAIL);
		this.failing.record("billing", new AggregateRef("Order", "2"), DispatchOutcome.FAIL);
		this.failing.forget(this.order);
		assertThat(this.failing.of(this.order)).isEmpty();
		assertThat(this.failing.of(new AggregateRef("Order", "2"))).containsExactly("billing");
	}

	@Test
	void whatIsReturnedIsACopy() {
		this.failing.record("billing", this.order, DispatchOutcome.FAIL);
		Set<String> projections = this.failing.of(this.order);
		this.failing.record("billing", this.order, DispatchOutcome.OK);
		assertThat(projections).containsExactly("billing");
	}

}
