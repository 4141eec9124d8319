package io.statestore.testing;

import java.time.Duration;
import redis.clients.jedis.Jedis;

/** Waiting for a replica to catch up, by INFO replication offsets. */
public final class Replication {
    private Replication() {}

    /**
     * Waits until {@code replica} has applied everything {@code primary} had written when called.
     * Not WAIT: it waits for the calling connection's own writes, and a connection that wrote
     * nothing is answered at once (SentinelFailoverTest lost an event in CI that way).
     */
    public static void awaitApplied(Jedis primary, Jedis replica, Duration limit) throws InterruptedException {
        long written = offset(primary, "master_repl_offset");
        long deadline = System.nanoTime() + limit.toNanos();
        while (offset(replica, "slave_repl_offset") < written) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the replica did not reach the primary's offset " + written + " within " + limit);
            }
            Thread.sleep(20);
        }
    }

    private static long offset(Jedis server, String field) {
        for (String line : server.info("replication").split("\\r?\\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + field + " in INFO replication");
    }
}
