package io.statestore.daemon;

import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

final class TestSupport {
    private TestSupport() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Path writeConfig(Path dir, String yaml) throws IOException {
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    static DaemonConfig load(Path dir, String yaml) throws IOException {
        return new ConfigLoader().load(writeConfig(dir, yaml), Map.of("HOME", dir.toString()));
    }

    static void await(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
