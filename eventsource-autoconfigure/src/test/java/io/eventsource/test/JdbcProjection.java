package io.eventsource.test;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A test's projection whose effects are rows in the service's own database: once wired it
 * has a {@link JdbcTemplate} on the service's {@link DataSource}, so that what a handler
 * writes commits or rolls back with the listener's transaction.
 */
public abstract class JdbcProjection {

	/** The service's database, set when the bean is wired. */
	protected JdbcTemplate jdbc;

	@Autowired
	public void setDataSource(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

}
