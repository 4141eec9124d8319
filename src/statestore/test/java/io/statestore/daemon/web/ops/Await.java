package io.statestore.daemon.web.ops;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a generous bound (never a fixed sleep as the thing tested). */
public final class Await {
    private Await() {}

    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 20 s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
