/**
 * Process managers: the {@link io.eventsource.process.ProcessManager @ProcessManager} and
 * {@link io.eventsource.process.ProcessHandler @ProcessHandler} annotations, the
 * {@link io.eventsource.process.ProcessContext} a handler works with, and the events the
 * library writes into an instance's stream.
 */
@NullMarked
package io.eventsource.process;

import org.jspecify.annotations.NullMarked;
