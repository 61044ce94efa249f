/**
 * The deployed process tests' service: publisher and listener profiles of one small
 * application that uses only eventsource's public API.
 */
@NullMarked
package io.eventsource.deployed;

import org.jspecify.annotations.NullMarked;
