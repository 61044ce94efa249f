package io.eventsource.listen.internal.dispatch;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerTransactions}.
 */
class ListenerTransactionsTests {

	private final DataSource inbox = new SimpleDriverDataSource();

	@Test
	void theApplicationsManagerOfTheInboxDataSourceIsUsed() {
		DataSourceTransactionManager application = new DataSourceTransactionManager(this.inbox);
		assertThat(ListenerTransactions.managerFor(this.inbox, application)).isSameAs(application);
	}

	@Test
	void aManagerWithADataSourcePropertyOnTheInboxIsUsed() {
		JpaLike application = new JpaLike(this.inbox);
		assertThat(ListenerTransactions.managerFor(this.inbox, application)).isSameAs(application);
	}

	@Test
	void aManagerOfAnotherDataSourceIsNotUsed() {
		DataSourceTransactionManager other = new DataSourceTransactionManager(new SimpleDriverDataSource());
		PlatformTransactionManager chosen = ListenerTransactions.managerFor(this.inbox, other);
		assertThat(chosen).isNotSameAs(other).isInstanceOf(DataSourceTransactionManager.class);
		assertThat(((DataSourceTransactionManager) chosen).getDataSource()).isSameAs(this.inbox);
	}

	@Test
	void aManagerOfAnotherResourceOrNoneIsNotUsed() {
		assertThat(ListenerTransactions.managerFor(this.inbox, new JpaLike(null)))
			.isInstanceOf(DataSourceTransactionManager.class);
		assertThat(ListenerTransactions.managerFor(this.inbox, null)).isInstanceOf(DataSourceTransactionManager.class);
	}

	/**
	 * Shaped like a {@code JpaTransactionManager}: a transaction manager with a
	 * {@code dataSource} property.
	 */
	static class JpaLike extends AbstractPlatformTransactionManager {

		private final DataSource dataSource;

		JpaLike(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		public DataSource getDataSource() {
			return this.dataSource;
		}

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

}
