package io.eventsource.publish;

import org.springframework.dao.OptimisticLockingFailureException;

/**
 * Thrown when a publish expected an aggregate at a sequence it is not at. Nothing was
 * written.
 */
public class SequenceMismatchException extends OptimisticLockingFailureException {

	private final String aggregateType;

	private final String aggregateId;

	private final long expectedSequence;

	private final long actualSequence;

	public SequenceMismatchException(String aggregateType, String aggregateId, long expectedSequence,
			long actualSequence) {
		super("Aggregate " + aggregateType + " '" + aggregateId + "' was expected at sequence " + expectedSequence
				+ " but is at " + actualSequence + "; nothing was published");
		this.aggregateType = aggregateType;
		this.aggregateId = aggregateId;
		this.expectedSequence = expectedSequence;
		this.actualSequence = actualSequence;
	}

	public String getAggregateType() {
		return this.aggregateType;
	}

	public String getAggregateId() {
		return this.aggregateId;
	}

	public long getExpectedSequence() {
		return this.expectedSequence;
	}

	public long getActualSequence() {
		return this.actualSequence;
	}

}
