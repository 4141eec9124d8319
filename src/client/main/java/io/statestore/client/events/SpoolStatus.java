package io.statestore.client.events;

import java.nio.file.Path;

/**
 * The outage spool's state.
 *
 * @param enabled whether this bus has a spool at all
 * @param depth   events waiting to be forwarded to Redis
 * @param bytes   the spool file's size (forwarded events included until it is emptied)
 * @param online  whether the last attempt to reach Redis succeeded
 * @param forwarded events this bus has forwarded from the spool to Redis since it opened; read
 *                  together with {@code depth}, so {@code depth + forwarded} right after opening
 *                  is what earlier runs left in the spool, however fast the forwarder is
 * @param spooled   events this bus has spooled since it opened instead of publishing them directly
 *                  (Redis unreachable, or earlier events still waiting in the spool)
 * @param owner     whether this bus owns the spool directory and forwards it; a guest (the
 *                  directory's lock is held by another process, e.g. the daemon) hands its events
 *                  to the owner, and its {@code depth} counts only its own events the owner has
 *                  not taken yet
 */
public record SpoolStatus(
        boolean enabled,
        Path file,
        long depth,
        long bytes,
        long maxBytes,
        boolean online,
        long forwarded,
        long spooled,
        boolean owner) {}
