package io.statestore.daemon.redis;

/**
 * Where the daemon keeps its own keys (status hash, daemons hash, heartbeats, leases and their
 * last runs). A lease and its last run, and the daemons hash and a heartbeat, are written by one
 * script or transaction, so on a Redis Cluster they must share a slot: there they all carry the
 * hash tag {@code {daemon}} ({@code ss:{daemon}:status}, {@code ss:{daemon}:lease:sweep}), which
 * puts them on one primary. Standalone and Sentinel keep the plain names, byte for byte.
 */
public final class DaemonKeys {
    private DaemonKeys() {}

    /** The prefix of the daemon's own keys: {@code keyPrefix}, or {@code keyPrefix{daemon}:} on a cluster. */
    public static String prefix(String keyPrefix, boolean cluster) {
        return cluster ? keyPrefix + "{daemon}:" : keyPrefix;
    }
}
