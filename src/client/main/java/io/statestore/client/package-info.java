/**
 * The statestore client API: {@link io.statestore.client.StateStore} for documents,
 * {@link io.statestore.client.Watch} for the change feed, {@link io.statestore.client.EventBus} and
 * {@link io.statestore.client.TaskStreams} for events, with their options, value types and the
 * {@link io.statestore.client.StateStoreException} family. This package and
 * {@link io.statestore.client.events} are what applications use; ArchitectureTest
 * (apiDoesNotLeakInternals) keeps internal and SPI types out of their public signatures.
 */
package io.statestore.client;
