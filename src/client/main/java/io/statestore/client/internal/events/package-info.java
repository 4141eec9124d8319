/**
 * The event bus and task streams behind {@link io.statestore.client.EventBus} and
 * {@link io.statestore.client.TaskStreams}. Not API: any class here may change or disappear in any
 * release. Use {@link io.statestore.client} and {@link io.statestore.client.events}, or
 * {@link io.statestore.client.spi} for statestore's own tools (ArchitectureTest,
 * noInternalsOutsideTheClient).
 */
package io.statestore.client.internal.events;
