/**
 * The supported surface for statestore's own daemon, CLI and importer, and for tools that speak
 * the statestore protocol: key layout ({@link io.statestore.client.spi.KeyLayout}), the server
 * function libraries and their installation ({@link io.statestore.client.spi.FunctionLibrary},
 * {@link io.statestore.client.spi.LibraryInstaller}, {@link io.statestore.client.spi.LibraryStatus},
 * {@link io.statestore.client.spi.ServerLibrary}), the argument lists and reply decoding of every
 * function ({@link io.statestore.client.spi.FunctionCalls}), and the connection plumbing they share
 * with the client (endpoint, gateway, TLS, credentials, connection file).
 *
 * <p>Stable within one library version, because the daemon and the client of one release must agree
 * on it; not a user API: it may change in any release without a deprecation period. Applications
 * use {@link io.statestore.client} and {@link io.statestore.client.events}. ArchitectureTest keeps
 * everything outside the client on this package and off {@code io.statestore.client.internal}.
 */
package io.statestore.client.spi;
