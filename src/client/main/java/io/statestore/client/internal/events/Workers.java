package io.statestore.client.internal.events;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loops one owner (a bus, the task streams) started and that have not ended: the owner's
 * close stops them, and each one is forgotten when it ends, so a long-lived owner that starts
 * and closes many of them holds none it no longer needs.
 */
final class Workers {
    private final Set<Worker> running = ConcurrentHashMap.newKeySet();

    <W extends Worker> W start(W w) {
        running.add(w);
        w.start(() -> running.remove(w));
        return w;
    }

    /** Stops every loop still running and waits for each. */
    void closeAll() {
        for (Worker w : List.copyOf(running)) {
            w.close();
        }
    }

    int count() {
        return running.size();
    }
}
