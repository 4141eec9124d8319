package io.statestore.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Receives what a {@link Watcher} sees, in order and one call at a time: each call
 * happens-before the next, so state touched only by the callbacks needs no locking. The calls
 * come from the watcher's reader thread when it is caught up and nothing is buffered (one thread
 * wake-up per notification), otherwise from its listener thread (docs/watch.md). A callback that
 * blocks therefore delays the watch, not other watchers; the feed keeps what it has not read. A
 * listener that throws is logged and the watch goes on with the next change.
 */
@FunctionalInterface
public interface WatchListener {

    /**
     * The documents of the watched key/prefix as they were at {@code position}; every change
     * delivered afterwards is later than the document's revision here. Also called after a
     * resync when {@link WatchOptions#resyncSnapshot()} is on.
     */
    default void onSnapshot(List<Document<JsonNode>> documents, String position) {
    }

    /** One committed change, in feed order. */
    void onEvent(ChangeEvent event);

    /**
     * Changes may have been missed (see {@link ResyncReason}): state built from earlier events
     * must be rebuilt. A fresh {@link #onSnapshot} follows when resync snapshots are on;
     * otherwise the watcher stops.
     */
    default void onResync(ResyncReason reason) {
    }

    /**
     * A problem the watcher is handling itself, e.g. a lost connection it is re-establishing.
     * Informational: no change is lost because of it.
     */
    default void onError(StateStoreException error) {
    }
}
