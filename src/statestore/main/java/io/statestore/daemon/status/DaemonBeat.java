package io.statestore.daemon.status;

import java.time.Duration;
import java.util.Locale;

/**
 * One daemon's entry in {@code <prefix>daemons}, with its age as the server's clock tells it.
 *
 * @param ageMs how long ago the last heartbeat was written (server clock)
 * @param processGone the daemon was registered on this host and its process is known to be gone
 *     ({@code LocalProcess}): dead whatever its last heartbeat says
 */
public record DaemonBeat(
        String id,
        long pid,
        String host,
        String started,
        long beatMs,
        long intervalMs,
        long ageMs,
        boolean processGone) {
    /**
     * How late a heartbeat may be before its daemon counts as dead: a fifth of the interval, at
     * least one second (a slow Redis call or a GC pause must not make a live daemon look dead).
     */
    public static Duration slack(long intervalMs) {
        return Duration.ofMillis(Math.max(1000, intervalMs / 5));
    }

    /** Whether the daemon beat within its interval plus {@link #slack}, and its process is not known to be gone. */
    public boolean alive() {
        return !processGone && ageMs <= intervalMs + slack(intervalMs).toMillis();
    }

    /** "0.4s" style: seconds with one decimal. */
    public static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    /** One line for {@code statestore status}; {@code writesRefused}: the server refuses writes, heartbeats included. */
    public String describe(boolean writesRefused) {
        String who = "pid " + pid + " on " + host + ", started " + started;
        String beat = "heartbeat " + seconds(ageMs) + " ago (every " + seconds(intervalMs) + ")";
        if (alive()) {
            return "daemon " + id + ": alive, " + beat + ", " + who;
        }
        if (processGone) {
            return "daemon " + id + ": DEAD, its process is gone from this host (last " + beat + "), " + who;
        }
        if (writesRefused) {
            return "daemon " + id + ": unknown, " + beat + ": Redis refuses writes, heartbeats too, " + who;
        }
        return "daemon " + id + ": DEAD, no heartbeat for " + seconds(ageMs) + " (every " + seconds(intervalMs) + "), "
                + who;
    }
}
