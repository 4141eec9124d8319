package io.statestore.daemon.backup;

import io.statestore.client.Durations;
import io.statestore.daemon.redis.RedisAdmin;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.exceptions.JedisDataException;

/** Asks the server for a fresh snapshot (BGSAVE, or waits for one in progress) and awaits it. */
public final class RdbSaver {
    private final RedisAdmin redis;

    public RdbSaver(RedisAdmin redis) {
        this.redis = redis;
    }

    public void save(Duration timeout, BooleanSupplier aborted) throws BackupException, InterruptedException {
        long savesBefore = number("rdb_saves"); // counts forks started, not successes
        boolean scheduled = false;
        try {
            redis.with(j -> j.bgsave());
        } catch (JedisDataException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("in progress") && m.contains("AOF")) {
                redis.with(j -> j.bgsaveSchedule());
                scheduled = true;
            } else if (!m.contains("already in progress")) {
                throw new BackupException("BGSAVE refused: " + m, e);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (aborted.getAsBoolean()) {
                throw new BackupException("aborted while waiting for BGSAVE");
            }
            boolean inProgress =
                    number("rdb_bgsave_in_progress") == 1 || (scheduled && number("rdb_saves") == savesBefore);
            if (!inProgress) {
                // the save we started (or found running) has ended; its outcome is the last status
                String status =
                        redis.info("persistence", "rdb_last_bgsave_status").orElse("?");
                if ("ok".equals(status)) {
                    return;
                } else {
                    throw new BackupException("BGSAVE failed on the server (rdb_last_bgsave_status:" + status
                            + "); see the Redis log (e.g. unwritable dir, disk full)");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new BackupException("BGSAVE did not finish within " + Durations.format(timeout));
            }
            Thread.sleep(50);
        }
    }

    private long number(String field) {
        return redis.info("persistence", field).map(Long::parseLong).orElse(0L);
    }
}
