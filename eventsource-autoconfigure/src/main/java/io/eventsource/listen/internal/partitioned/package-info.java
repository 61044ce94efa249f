/**
 * Internal: the partitioned listener container. Lays out a service's partition queues per
 * aggregate type and consumes each of them from every instance, with
 * single-active-consumer handing a partition to one instance at a time.
 */
@NullMarked
package io.eventsource.listen.internal.partitioned;

import org.jspecify.annotations.NullMarked;
