/**
 * The restaurant: a waiter, a kitchen and a cashier that only say what they did, and an
 * order process manager that runs each order by its correlation id. Each service is a
 * profile of the sample application.
 */
package io.eventsource.sample.restaurant;
