package io.statestore.daemon.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Whether a daemon registered on this host is known to be gone: its process no longer exists, or
 * its PID now belongs to a process started after the daemon. A heartbeat alone keeps a
 * {@code kill -9}'d daemon "alive" for up to its interval plus slack (12 s by default); the process
 * table answers at once. Only a clear answer counts: another host, a host name that may not be
 * unique ("localhost", "?"), or a process table that hides other users' processes (proc mounted
 * with {@code hidepid}) leave the heartbeat to decide.
 */
final class LocalProcess {
    /** A daemon records its start a moment after its JVM starts; a process started later is another one. */
    private static final Duration START_SLACK = Duration.ofSeconds(2);

    private static final String HOST = DaemonRegistry.hostName();

    private LocalProcess() {}

    static boolean gone(String host, long pid, String started) {
        if (pid <= 0 || !HOST.equals(host) || "localhost".equals(host) || !seesOtherUsers()) {
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || zombie(pid)) {
            return true;
        }
        Optional<Instant> processStart = p.get().info().startInstant();
        Optional<Instant> daemonStart = parse(started);
        return processStart.isPresent()
                && daemonStart.isPresent()
                && processStart.get().isAfter(daemonStart.get().plus(START_SLACK));
    }

    /**
     * A killed process whose parent has not reaped it yet (a daemon started in the background of a
     * shell that has exited waits for an init that may reap late): ProcessHandle counts it alive.
     */
    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')'); // the name in parentheses may hold spaces and ')'
            return end > 0 && end + 2 < stat.length() && "ZX".indexOf(stat.charAt(end + 2)) >= 0;
        } catch (IOException | RuntimeException e) {
            return false; // no /proc (not Linux), or the process just went: ProcessHandle decided
        }
    }

    /** PID 1 belongs to another user unless this is root: hidden, the process table cannot answer for others. */
    private static boolean seesOtherUsers() {
        return ProcessHandle.of(1).isPresent();
    }

    private static Optional<Instant> parse(String instant) {
        try {
            return Optional.of(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
