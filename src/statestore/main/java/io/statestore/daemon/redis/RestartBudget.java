package io.statestore.daemon.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * At most {@code max} restarts within a sliding {@code window}: past that the server is not
 * coming back by itself, and the daemon gives up so that the service manager's restart policy
 * (systemd {@code Restart=}) takes over.
 */
final class RestartBudget {
    private final int max;
    private final long windowNanos;
    private final Deque<Long> attempts = new ArrayDeque<>();

    RestartBudget(int max, Duration window) {
        this.max = max;
        this.windowNanos = window.toNanos();
    }

    /** Records a restart at {@code nowNanos} if the budget allows one; false when it is spent. */
    synchronized boolean tryRestart(long nowNanos) {
        while (!attempts.isEmpty() && nowNanos - attempts.peekFirst() > windowNanos) {
            attempts.removeFirst();
        }
        if (attempts.size() >= max) {
            return false;
        }
        attempts.addLast(nowNanos);
        return true;
    }
}
