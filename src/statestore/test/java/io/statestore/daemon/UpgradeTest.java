package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.PermissionDeniedException;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.Event;
import io.statestore.client.events.ReplayRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a data directory written without roles upgrades on the first start of a daemon
 * with roles on: data and events untouched, no anonymous access, secrets and connection file
 * created owner-only, and the same secrets kept on later starts.
 */
class UpgradeTest {
    @TempDir
    Path dir;

    @Test
    void aDataDirectoryWithoutRolesUpgradesAndKeepsItsData() throws Exception {
        Path data = dir.resolve("data");
        int port = TestSupport.freePort();
        String anonymousUrl = "redis://127.0.0.1:" + port;

        String eventId;
        Daemon before = daemon(data, port, "acl:\n  enabled: false\n");
        try {
            before.start();
            try (StateStore anonymous = StateStore.connect(
                    StateStoreOptions.builder().uri(anonymousUrl).build())) {
                for (int i = 0; i < 50; i++) {
                    anonymous.put("up:" + i, Map.of("n", i));
                }
                eventId = anonymous.events().publish("up.happened", "upgrade-test", Map.of("k", 1));
            }
        } finally {
            before.stop();
        }
        assertFalse(Files.exists(data.resolve("secrets")));
        assertFalse(Files.exists(data.resolve("connection.json")));
        // the daemon before issue 15 ran with umask 022 and left its state readable by all
        loosen(data);

        Map<Role, String> passwords = new LinkedHashMap<>();
        Daemon upgraded = daemon(data, port, "");
        try {
            upgraded.start();
            assertDataIsThere(data, port, eventId);
            PermissionDeniedException e = assertThrows(PermissionDeniedException.class, () -> {
                try (StateStore anonymous = StateStore.connect(
                        StateStoreOptions.builder().uri(anonymousUrl).build())) {
                    anonymous.get("up:0");
                }
            });
            assertTrue(e.getMessage().contains("requires a credential"), e.getMessage());
            List<String> loose = new ArrayList<>();
            for (Path f : List.of(data.resolve("redis/users.acl"), data.resolve("connection.json"))) {
                ownerOnly(f, loose);
            }
            for (Role r : Role.values()) {
                Path f = data.resolve("secrets/" + r.userName() + ".password");
                ownerOnly(f, loose);
                passwords.put(r, Files.readString(f));
            }
            for (Path f : redisFiles(data)) {
                ownerOnly(f, loose);
            }
            assertEquals(List.of(), loose, "files not 0600 after the upgrade");
            for (Path d : List.of(
                    data, data.resolve("secrets"), data.resolve("redis"), data.resolve("redis/appendonlydir"))) {
                assertEquals(
                        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
            }
        } finally {
            upgraded.stop();
        }

        Daemon third = daemon(data, port, "");
        try {
            third.start();
            assertDataIsThere(data, port, eventId);
            for (Role r : Role.values()) {
                assertEquals(
                        passwords.get(r),
                        Files.readString(data.resolve("secrets/" + r.userName() + ".password")),
                        r.userName() + " password kept");
            }
        } finally {
            third.stop();
        }
    }

    private Daemon daemon(Path data, int port, String extra) throws IOException {
        return new Daemon(TestSupport.load(dir, """
                dataDir: %s
                embedded:
                  port: %d
                %s""".formatted(data, port, extra)));
    }

    private static void assertDataIsThere(Path data, int port, String eventId) {
        try (StateStore reader =
                StateStore.connect(TestSupport.as(data, port, Role.READER).build())) {
            for (int i = 0; i < 50; i++) {
                assertEquals(
                        i, reader.get("up:" + i).orElseThrow().value().get("n").asInt(), "up:" + i);
            }
            List<Event> events = reader.events().read("up.happened", ReplayRange.all(), 10);
            assertEquals(List.of(eventId), events.stream().map(Event::id).toList());
        }
    }

    /** The AOF files and the RDB: what holds every document. */
    private static List<Path> redisFiles(Path data) throws IOException {
        List<Path> l = new ArrayList<>();
        try (Stream<Path> aof = Files.list(data.resolve("redis/appendonlydir"))) {
            aof.forEach(l::add);
        }
        l.add(data.resolve("redis/dump.rdb"));
        assertTrue(l.size() >= 3, "an AOF manifest, an AOF and the RDB: " + l);
        return l;
    }

    private static void ownerOnly(Path f, List<String> loose) throws IOException {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
        if (!mode.equals("rw-------")) {
            loose.add(f + " " + mode);
        }
    }

    private static void loosen(Path data) throws IOException {
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
