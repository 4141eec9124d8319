/**
 * The client's implementation. Not API: any class here may change or disappear in any release,
 * even a patch release, and some are public only so that {@link io.statestore.client.spi} can reach
 * them. Applications use {@link io.statestore.client}; statestore's daemon, CLI and importer, and
 * tools that speak the protocol, use {@link io.statestore.client.spi}. ArchitectureTest
 * (noInternalsOutsideTheClient) fails the build when anything outside the client imports this.
 */
package io.statestore.client.internal;
