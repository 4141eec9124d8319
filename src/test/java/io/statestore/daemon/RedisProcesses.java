package io.statestore.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The live redis-server processes of a data directory: those whose working directory is its redis/ (Linux /proc). */
final class RedisProcesses {
    private RedisProcesses() {
    }

    static List<Long> of(Path dataDir) throws IOException {
        Path redisDir = dataDir.resolve("redis").toRealPath();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readSymbolicLink(p.resolve("cwd")).equals(redisDir)
                                    && Files.readString(p.resolve("comm")).strip().startsWith("redis-server");
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString())).sorted().toList();
        }
    }
}
