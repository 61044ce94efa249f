package io.eventsource.listen.internal.partitioned;

/**
 * A queue this instance consumes on the partitioned topology.
 *
 * @param layout the layout of its aggregate type
 * @param partition its number
 * @param surplus whether it is a queue of an earlier, larger layout, to drain
 */
record WantedQueue(PartitionLayout layout, int partition, boolean surplus) {

}
