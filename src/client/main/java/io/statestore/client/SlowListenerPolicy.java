package io.statestore.client;

/** What a watcher does when its buffer between the reader and the listener is full. */
public enum SlowListenerPolicy {
    /**
     * The reader waits for the listener (backpressure). Nothing is dropped; the watcher falls
     * behind the feed and gets {@link ResyncReason#TRIMMED} only if it falls behind by more than
     * the feed keeps.
     */
    BLOCK,
    /**
     * The buffered changes are dropped and the listener gets {@link ResyncReason#SLOW_LISTENER}
     * (then a fresh snapshot when resync snapshots are on). The reader never waits for the
     * buffer; it only waits while it runs a callback itself (a caught-up watcher with nothing
     * buffered, see {@link WatchListener}).
     */
    RESYNC
}
