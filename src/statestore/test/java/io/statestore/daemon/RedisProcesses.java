package io.statestore.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The live redis-server processes of a data directory: those whose working directory is its redis/ (Linux /proc). */
final class RedisProcesses {
    private RedisProcesses() {}

    /**
     * After a test: kill -9 whatever redis-server of the directory a failed test left (its
     * directory is about to be deleted, so it could not save on SIGTERM and would not exit).
     */
    static void killLeftovers(Path dataDir) throws IOException {
        if (Files.isDirectory(dataDir.resolve("redis"))) {
            for (long pid : of(dataDir)) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    System.out.println("killing redis-server pid " + pid + " left by the test");
                    h.destroyForcibly();
                });
            }
        }
    }

    static List<Long> of(Path dataDir) throws IOException {
        Path redisDir = dataDir.resolve("redis").toRealPath();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readSymbolicLink(p.resolve("cwd")).equals(redisDir)
                                    && Files.readString(p.resolve("comm"))
                                            .strip()
                                            .startsWith("redis-server");
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .sorted()
                    .toList();
        }
    }
}
