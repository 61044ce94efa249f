/**
 * JDBC storage on PostgreSQL and MariaDB/MySQL: the library's own Flyway migrations, the
 * {@code public_messages} log that is also the outbox, and gap-free sequence allocation
 * per aggregate.
 */
@NullMarked
package io.eventsource.store;

import org.jspecify.annotations.NullMarked;
