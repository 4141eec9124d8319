package io.statestore.client;

import java.time.Duration;

/**
 * A running watch. Closing it stops the reader and the listener thread; idempotent. It may be
 * closed from inside a callback: close() then returns at once and the watcher stops when the
 * callback returns. No callback starts after close() (or the callback that called it) returned.
 */
public interface Watcher extends AutoCloseable {

    /**
     * The feed position of the last change (or snapshot) the listener has returned from: pass it
     * as {@link WatchOptions.Builder#fromId(String)} to resume in a later process.
     */
    String position();

    /** False once closed, or after a resync that was not asked to take a fresh snapshot. */
    boolean isOpen();

    /** Waits until the watcher has stopped and its listener has returned; false on timeout. */
    boolean awaitClosed(Duration timeout) throws InterruptedException;

    @Override
    void close();
}
