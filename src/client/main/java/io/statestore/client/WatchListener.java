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
    default void onSnapshot(List<Document<JsonNode>> documents, String position) {}

    /** One committed change, in feed order. */
    void onEvent(ChangeEvent event);

    /**
     * Changes may have been missed (see {@link ResyncReason}): state built from earlier events
     * must be rebuilt. A fresh {@link #onSnapshot} follows when resync snapshots are on;
     * otherwise the watcher stops.
     */
    default void onResync(ResyncReason reason) {}

    /**
     * A document of the watch exists but cannot be read as JSON: something wrote it around
     * statestore (a raw {@code SET key 'not json'}), or a foreign client stored invalid JSON. The
     * watch goes on with every other document. Called
     * <ul>
     * <li>while taking a snapshot, before {@link #onSnapshot}, for each such document, which the
     * snapshot leaves out; {@code position} is the snapshot's position;</li>
     * <li>with {@link WatchOptions#withDocuments()}, before the {@link #onEvent} of a change whose
     * document cannot be read, which then comes without a document; {@code position} is the
     * change's feed ID.</li>
     * </ul>
     * The error's message names the key and what is wrong. The default passes the error to
     * {@link #onError}, so a listener written before this method existed still hears of it.
     */
    default void onUnreadable(String key, String position, StateStoreException error) {
        onError(error);
    }

    /**
     * A problem the watcher is handling itself, e.g. a lost connection it is re-establishing,
     * and, unless {@link #onUnreadable} is overridden, a document it cannot read. Informational:
     * no change is lost because of it.
     */
    default void onError(StateStoreException error) {}
}
