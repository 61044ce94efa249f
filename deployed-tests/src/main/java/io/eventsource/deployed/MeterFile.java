package io.eventsource.deployed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Writes this instance's eventsource counters, its memory in use and its live threads to
 * {@code deployed.meter-file} every second, as {@code name{tags} value} lines, so that
 * the tests read the meters of instances without a web server too.
 */
@Component
@EnableScheduling
class MeterFile {

	/**
	 * The gauges the soak samples: the old generation after the last full collection (it
	 * asks for one before it reads), the heap in use, and the live threads.
	 */
	private static final Set<String> SAMPLED_GAUGES = Set.of("jvm.gc.live.data.size", "jvm.memory.used",
			"jvm.threads.live");

	private final MeterRegistry meters;

	private final Path file;

	MeterFile(MeterRegistry meters, @Value("${deployed.meter-file}") Path file) {
		this.meters = meters;
		this.file = file;
	}

	private static String name(Meter meter) {
		StringBuilder name = new StringBuilder(meter.getId().getName()).append('{');
		meter.getId()
			.getTags()
			.forEach((tag) -> name.append(tag.getKey()).append('=').append(tag.getValue()).append(','));
		return name.append('}').toString();
	}

	@Scheduled(fixedDelay = 1000)
	void write() {
		Map<String, Double> counts = new TreeMap<>();
		for (Meter meter : this.meters.getMeters()) {
			String id = meter.getId().getName();
			if (meter instanceof Counter counter && id.startsWith("eventsource.")) {
				counts.merge(name(meter), counter.count(), Double::sum);
			}
			else if (meter instanceof Gauge gauge && SAMPLED_GAUGES.contains(id)) {
				counts.merge(name(meter), gauge.value(), Double::sum);
			}
		}
		StringBuilder lines = new StringBuilder();
		counts.forEach((name, count) -> lines.append(name).append(' ').append(count.longValue()).append('\n'));
		try {
			Path written = this.file.resolveSibling(this.file.getFileName() + ".tmp");
			Files.writeString(written, lines);
			Files.move(written, this.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
