package io.eventsource.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Creates the database of {@code spring.datasource.url} before the application context
 * starts, when it does not exist yet, so that the benchmark has a database of its own
 * ({@code eventsource_bench}) and the relay of the benchmark and the relay of the tests
 * (database {@code test}) never relay each other's rows. Knows PostgreSQL and
 * MariaDB/MySQL URLs; leaves any other URL alone.
 */
class BenchmarkDatabase implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	private static final Log logger = LogFactory.getLog(BenchmarkDatabase.class);

	private static final Pattern URL = Pattern
		.compile("^(jdbc:(postgresql|mariadb|mysql)://[^/]+/)([A-Za-z0-9_]+)(\\?.*)?$");

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		ConfigurableEnvironment environment = event.getEnvironment();
		String url = environment.getProperty("spring.datasource.url");
		if (url == null) {
			return;
		}
		Matcher matcher = URL.matcher(url);
		if (!matcher.matches()) {
			logger.info("Not creating a database for " + url + ": only PostgreSQL and MariaDB/MySQL URLs are known");
			return;
		}
		String username = environment.getProperty("spring.datasource.username");
		String password = environment.getProperty("spring.datasource.password");
		String database = matcher.group(3);
		boolean postgresql = "postgresql".equals(matcher.group(2));
		String serverUrl = matcher.group(1) + (postgresql ? "postgres" : "");
		try (Connection connection = DriverManager.getConnection(serverUrl, username, password)) {
			if (postgresql) {
				createPostgresqlDatabase(connection, database);
			}
			else {
				try (Statement statement = connection.createStatement()) {
					statement.execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create the benchmark database '" + database + "' through "
					+ serverUrl + " (is the server up? run 'bash scripts/services.sh'): " + ex.getMessage(), ex);
		}
	}

	private void createPostgresqlDatabase(Connection connection, String database) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
			query.setString(1, database);
			try (ResultSet rows = query.executeQuery()) {
				if (rows.next()) {
					return;
				}
			}
		}
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE \"" + database + "\"");
			logger.info("Created the database " + database);
		}
	}

}
