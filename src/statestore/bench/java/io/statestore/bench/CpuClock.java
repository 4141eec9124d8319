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

    private final long[] serverPids;

    /** @param serverPid redis-server's process ID, or -1 when it is not on this host */
    CpuClock(long serverPid) {
        this.serverPids = new long[] {serverPid};
    }

    /** The servers' CPU is the sum over these processes (the nodes of a cluster on this host). */
    static CpuClock ofServers(java.util.List<Long> pids) {
        return pids.isEmpty()
                ? new CpuClock(-1)
                : new CpuClock(pids.stream().mapToLong(Long::longValue).toArray());
    }

    private CpuClock(long[] serverPids) {
        this.serverPids = serverPids;
    }

    /** JVM CPU time in ns (all threads: clients, GC, JIT), or -1 when the JVM cannot tell. */
    static long jvmNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** The servers' CPU time (user + system) in ns, summed, or -1 when one cannot be read. */
    long serverNanos() {
        long sum = 0;
        for (long pid : serverPids) {
            long n = serverNanos(pid);
            if (n < 0) {
                return -1;
            }
            sum += n;
        }
        return sum;
    }

    private static long serverNanos(long serverPid) {
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
