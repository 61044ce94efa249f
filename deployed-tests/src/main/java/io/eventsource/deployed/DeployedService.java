package io.eventsource.deployed;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small service written only against eventsource's public API, run by the deployed
 * process tests the way users deploy services: a JVM of its own started from the packaged
 * jar, with its own database. The profile says what it is: {@code publisher} (publishes
 * at a steady rate, no web server), {@code listener} (applies every event to a ledger;
 * without a web server unless {@code spring.main.web-application-type} says so).
 */
@SpringBootApplication
public class DeployedService {

	public static void main(String[] args) {
		SpringApplication.run(DeployedService.class, args);
	}

}
