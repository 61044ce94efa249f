package io.eventsource.listen.internal.dispatch;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;

/**
 * Chooses the transaction manager the handlers run in: the application's when it manages
 * the inbox's {@code DataSource} (a {@code DataSourceTransactionManager} on it, or a
 * {@code JpaTransactionManager} whose data source it is), so that a handler's JPA or JDBC
 * writes commit with its ack row; otherwise one of the library's own on that
 * {@code DataSource}.
 */
public final class ListenerTransactions {

	private ListenerTransactions() {
	}

	/**
	 * Returns the transaction manager for the handlers.
	 * @param dataSource the inbox's data source
	 * @param candidate the application's unique transaction manager, or {@code null}
	 * @return the transaction manager to use
	 */
	public static PlatformTransactionManager managerFor(DataSource dataSource,
			@Nullable PlatformTransactionManager candidate) {
		if (candidate != null && manages(candidate, dataSource)) {
			return candidate;
		}
		return new DataSourceTransactionManager(dataSource);
	}

	private static boolean manages(PlatformTransactionManager candidate, DataSource dataSource) {
		if (candidate instanceof ResourceTransactionManager resource && resource.getResourceFactory() == dataSource) {
			return true;
		}
		BeanWrapperImpl wrapper = new BeanWrapperImpl(candidate);
		return wrapper.isReadableProperty("dataSource") && wrapper.getPropertyValue("dataSource") == dataSource;
	}

}
