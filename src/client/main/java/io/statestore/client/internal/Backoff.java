package io.statestore.client.internal;

import io.statestore.client.UnavailableException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Full-jitter exponential backoff between conflicting attempts. */
final class Backoff {
    private static final long BASE_MICROS = 100;
    private static final long CAP_MICROS = 5_000;

    private Backoff() {}

    static void pause(int attempt) {
        long ceiling = Math.min(CAP_MICROS, BASE_MICROS << Math.min(attempt, 10));
        long micros = ThreadLocalRandom.current().nextLong(ceiling + 1);
        try {
            TimeUnit.MICROSECONDS.sleep(micros);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while waiting to retry a conflicting write", false, e);
        }
    }
}
