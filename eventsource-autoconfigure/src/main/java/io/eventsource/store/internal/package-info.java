/**
 * Internal: JDBC storage on PostgreSQL and MariaDB/MySQL, one repository per table and
 * named after it. The library's Flyway migrations, the {@code public_messages} log that
 * is also the outbox, gap-free sequences per aggregate, the inbox's {@code message_acks}
 * and {@code projection_positions}, parked events and process instances; the SQL that
 * differs between the databases lives in one dialect per database.
 */
@NullMarked
package io.eventsource.store.internal;

import org.jspecify.annotations.NullMarked;
