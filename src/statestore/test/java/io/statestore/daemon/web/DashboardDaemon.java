package io.statestore.daemon.web;

import io.statestore.client.HistoryPolicy;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.Daemon;
import io.statestore.daemon.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A running daemon (embedded redis-server, ACL roles, HTTP on loopback) for the dashboard's
 * tests, with a writer client whose history policy keeps versions of {@code h:*}.
 */
final class DashboardDaemon implements AutoCloseable {
    final Path data;
    final Daemon daemon;
    final int redisPort;
    final StateStore writer;

    DashboardDaemon(Path dir) throws Exception {
        data = dir.resolve("data");
        redisPort = freePort();
        Path config = dir.resolve("statestore.yaml");
        Files.writeString(config, """
                dataDir: %s
                embedded:
                  port: %d
                http:
                  enabled: true
                  port: %d
                """.formatted(data, redisPort, freePort()));
        daemon = new Daemon(new ConfigLoader().load(config, Map.of("HOME", dir.toString())));
        daemon.start();
        writer = StateStore.connect(as(Role.WRITER).writer("test-writer").build());
        writer.history().setPolicies(List.of(HistoryPolicy.of("h:*", 10)));
    }

    StateStoreOptions.Builder as(Role role) {
        return StateStoreOptions.builder()
                .uri("redis://127.0.0.1:" + redisPort)
                .user(role.userName())
                .passwordFile(data.resolve("secrets").resolve(role.userName() + ".password"));
    }

    String password(String role) throws IOException {
        return Files.readString(data.resolve("secrets").resolve(role + ".password"))
                .strip();
    }

    int httpPort() {
        return daemon.http().orElseThrow().port();
    }

    ApiClient login(String role) throws Exception {
        return ApiClient.login(httpPort(), role, password(role));
    }

    static int freePort() throws IOException {
        return io.statestore.testing.FreePorts.pick();
    }

    @Override
    public void close() {
        writer.close();
        daemon.stop();
    }
}
