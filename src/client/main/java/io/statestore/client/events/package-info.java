/** Options and value types of the event bus and task streams; part of the client API. */
package io.statestore.client.events;
