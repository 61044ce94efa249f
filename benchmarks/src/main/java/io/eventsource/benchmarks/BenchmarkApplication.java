package io.eventsource.benchmarks;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Measures eventsource against the bare RabbitMQ Java client in one process, prints a
 * table of rates and ratios, and exits. Run it with
 * {@code java -jar benchmarks/target/eventsource-benchmarks.jar}; options are
 * {@code --bench.*} (see {@link BenchmarkProperties}).
 */
@SpringBootApplication
@EnableConfigurationProperties(BenchmarkProperties.class)
public class BenchmarkApplication {

	/**
	 * Creates the benchmark's database if it is missing, runs the benchmark and exits.
	 * @param args the command line, for example {@code --bench.rounds=5}
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(BenchmarkApplication.class);
		application.addListeners(new BenchmarkDatabase());
		System.exit(SpringApplication.exit(application.run(args)));
	}

}
