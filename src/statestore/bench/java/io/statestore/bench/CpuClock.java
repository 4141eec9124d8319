package io.statestore.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by this JVM and by the local redis-server, for "CPU per update" figures. On a
 * shared machine throughput moves with whatever else runs; the CPU an update costs moves far
 * less, and on a box where client and server share the cores it is what bounds throughput.
 */
final class CpuClock {
    /** Clock ticks per second of /proc/PID/stat (USER_HZ); 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private final long serverPid;

    /** @param serverPid redis-server's process ID, or -1 when it is not on this host */
    CpuClock(long serverPid) {
        this.serverPid = serverPid;
    }

    /** JVM CPU time in ns (all threads: clients, GC, JIT), or -1 when the JVM cannot tell. */
    static long jvmNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** redis-server's CPU time (user + system) in ns, or -1 when it cannot be read. */
    long serverNanos() {
        if (serverPid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(serverPid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return (long) (ticks / TICKS_PER_SECOND * 1e9);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A reading of both clocks. */
    record Reading(long jvm, long server) {}

    Reading read() {
        return new Reading(jvmNanos(), serverNanos());
    }
}
