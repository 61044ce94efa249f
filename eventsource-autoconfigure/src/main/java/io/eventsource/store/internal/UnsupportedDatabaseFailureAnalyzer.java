package io.eventsource.store.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnsupportedDatabaseException} at startup.
 */
class UnsupportedDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedDatabaseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedDatabaseException cause) {
		return new FailureAnalysis(
				"eventsource stores its outbox and ack tables through JDBC, but the application's DataSource is '"
						+ cause.getProductName() + "', a database it has no SQL for.",
				"Point the DataSource (spring.datasource.url) at one of: " + cause.getSupported()
						+ ", or set eventsource.enabled=false.",
				cause);
	}

}
