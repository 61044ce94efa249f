package io.eventsource.benchmarks;

import java.util.List;

import io.eventsource.envelope.EventEnvelope;
import io.eventsource.topology.EventTopology;
import io.eventsource.topology.SendOutcomes;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * The library's {@link EventTopology} with the moments the relay hands it a page and gets
 * it back sent (confirms still to come) noted in {@link HandledEvents}, so that the (e)
 * runs can tell the relay's share of the latency from the broker's and the listener's.
 */
final class TimedTopology implements EventTopology, AutoCloseable {

	private final EventTopology topology;

	private final HandledEvents handled;

	private TimedTopology(EventTopology topology, HandledEvents handled) {
		this.topology = topology;
		this.handled = handled;
	}

	/**
	 * Returns a post-processor that wraps the topology bean.
	 * @param handled where the moments go, looked up when the topology is created
	 * @return the post-processor
	 */
	static BeanPostProcessor wrapping(ObjectProvider<HandledEvents> handled) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof EventTopology topology) ? new TimedTopology(topology, handled.getObject())
						: bean;
			}

		};
	}

	@Override
	public Publishing publish(List<EventEnvelope> events) {
		long taken = System.nanoTime();
		Publishing publishing = this.topology.publish(events);
		this.handled.relayed(events, taken, System.nanoTime());
		return publishing;
	}

	@Override
	public SendOutcomes send(List<EventEnvelope> events) {
		return publish(events).await();
	}

	@Override
	public void close() throws Exception {
		if (this.topology instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

}
