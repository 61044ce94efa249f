package io.eventsource.deployed;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Stops this service once the test process that started it ({@code deployed.parent-pid})
 * is gone, so that a test run that crashed leaves no service publishing and consuming on
 * the shared broker: eventsource keeps the JVM alive by design.
 */
@Component
class ParentWatch {

	private static final Log logger = LogFactory.getLog(ParentWatch.class);

	private final ApplicationContext context;

	private final long parentPid;

	ParentWatch(ApplicationContext context, @Value("${deployed.parent-pid:-1}") long parentPid) {
		this.context = context;
		this.parentPid = parentPid;
	}

	@Scheduled(fixedDelay = 2000)
	void stopWhenTheParentIsGone() {
		if (this.parentPid > 0 && ProcessHandle.of(this.parentPid).map(ProcessHandle::isAlive).orElse(false) == false) {
			logger.warn("The test process " + this.parentPid + " is gone; stopping");
			System.exit(SpringApplication.exit(this.context));
		}
	}

}
