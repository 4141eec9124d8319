package io.statestore.client.events;

import io.statestore.client.InvalidInputException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The local outage spool: where events go while Redis is unreachable (see docs/events.md).
 *
 * @param directory     holds {@code events.spool}, {@code events.pos} and {@code inbox/}; one bus
 *                      owns it and forwards it ({@code events.lock} says who), others hand their
 *                      events to that owner through the inbox
 * @param syncEveryEvent true: fsync after every spooled event (nothing a publish call returned
 *                      for is lost even on power loss); false: fsync at most every
 *                      {@code syncInterval} (a crash of the machine, not of the process, may lose
 *                      the events of the last interval)
 * @param syncInterval  the batch fsync interval when {@code syncEveryEvent} is false
 * @param maxBytes      the spool file's size limit; a publish that would exceed it fails with
 *                      {@link io.statestore.client.UnavailableException} saying the spool is full
 */
public record SpoolOptions(Path directory, boolean syncEveryEvent, Duration syncInterval, long maxBytes) {
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(100);

    public SpoolOptions {
        if (directory == null) {
            throw new InvalidInputException("spool directory must be given");
        }
        if (maxBytes < 1024) {
            throw new InvalidInputException("spool maxBytes must be at least 1024, got " + maxBytes);
        }
        if (syncInterval == null || syncInterval.isNegative() || syncInterval.isZero()) {
            throw new InvalidInputException("spool syncInterval must be positive");
        }
    }

    /**
     * The spool directory for a bus publishing to {@code redisUri} when none is named: the local
     * daemon's spool when that daemon serves this server and the caller may write there (the
     * daemon forwards it), else {@code $XDG_STATE_HOME/statestore/spool/<server>} (default
     * {@code ~/.local/state/...}), forwarded by the next bus opened on it. See docs/events.md.
     */
    public static Path defaultDir(String redisUri) {
        return io.statestore.client.spi.DefaultSpoolDir.forServer(redisUri, System.getenv())
                .directory();
    }

    /** fsync per event, 256 MiB limit. */
    public static SpoolOptions in(Path directory) {
        return new SpoolOptions(directory, true, DEFAULT_SYNC_INTERVAL, DEFAULT_MAX_BYTES);
    }

    public SpoolOptions withBatchSync(Duration interval) {
        return new SpoolOptions(directory, false, interval, maxBytes);
    }

    public SpoolOptions withMaxBytes(long bytes) {
        return new SpoolOptions(directory, syncEveryEvent, syncInterval, bytes);
    }
}
