package io.statestore.daemon.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The redis-server a dead daemon of this data directory left running: named by the pid file the
 * embedded server writes ({@code <dataDir>/redis/redis.pid}), alive, and verified to be ours by
 * its working directory (redis-server changes into its {@code --dir}) or, failing that, its
 * command line. A recycled PID of an unrelated process matches neither.
 */
final class OrphanServer {
    static final String PID_FILE = "redis.pid";

    private OrphanServer() {}

    static Optional<ProcessHandle> find(Path redisDir) {
        Path pidFile = redisDir.resolve(PID_FILE);
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException none) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> runsIn(h.pid(), redisDir));
    }

    static boolean runsIn(long pid, Path redisDir) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            if (Files.readSymbolicLink(proc.resolve("cwd")).equals(redisDir.toRealPath())) {
                return true;
            }
        } catch (IOException | UnsupportedOperationException unreadable) {
            // not ours to read (another user) or no /proc: try the command line
        }
        try {
            String cmdline =
                    new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
            return cmdline.contains(" " + redisDir + " ") || cmdline.contains(" " + redisDir.toRealPath() + " ");
        } catch (IOException unreadable) {
            return false;
        }
    }
}
