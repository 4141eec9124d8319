package io.statestore.client;

/**
 * Follows changes like an etcd watch: a consistent snapshot and its feed position, then every
 * later change in commit order, surviving disconnects without gaps or duplicates. Obtain it with
 * {@link StateStore#watch()}; semantics in docs/watch.md.
 */
public interface Watch {

    /**
     * Starts watching. The listener is called one call at a time, in order, on the watcher's own
     * threads (see {@link WatchListener}): the snapshot (unless {@link WatchOptions#fromId()} was
     * given or snapshots are off), then the changes. Close the returned handle to stop.
     */
    Watcher watch(WatchOptions options, WatchListener listener);
}
