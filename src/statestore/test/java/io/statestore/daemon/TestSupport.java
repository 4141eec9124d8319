package io.statestore.daemon;

import io.statestore.client.Role;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

final class TestSupport {
    private TestSupport() {}

    /** Options to reach a daemon's embedded server on {@code port} as {@code role}, with the password it generated. */
    static StateStoreOptions.Builder as(Path dataDir, int port, Role role) {
        return StateStoreOptions.builder()
                .uri("redis://127.0.0.1:" + port)
                .user(role.userName())
                .passwordFile(dataDir.resolve("secrets").resolve(role.userName() + ".password"));
    }

    /** A plain connection to that server as {@code role}. */
    static Jedis jedisAs(Path dataDir, int port, Role role) {
        String password;
        try {
            password = Files.readString(dataDir.resolve("secrets").resolve(role.userName() + ".password"))
                    .strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Jedis(
                new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder()
                        .user(role.userName())
                        .password(password)
                        .build());
    }

    static int freePort() throws IOException {
        return io.statestore.testing.FreePorts.pick(); // below the ephemeral range: bound seconds later
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
