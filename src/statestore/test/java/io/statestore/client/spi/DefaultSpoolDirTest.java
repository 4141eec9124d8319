package io.statestore.client.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: which spool an events publish uses when no --spool is given. */
class DefaultSpoolDirTest {
    @TempDir
    Path home;

    private Path daemonData() throws Exception {
        Path data = Files.createDirectories(home.resolve(".local/share/statestore"));
        Files.writeString(
                data.resolve("connection.json"),
                "{\"version\":1,\"url\":\"redis://127.0.0.1:7001\",\"passwordFiles\":{},\"defaultUser\":\"writer\"}\n");
        return data;
    }

    private Map<String, String> env() {
        return Map.of("HOME", home.toString());
    }

    @Test
    void theDaemonsSpoolWhenItServesThisRedisAndIsWritable() throws Exception {
        Path spool = Files.createDirectories(daemonData().resolve("spool"));
        DefaultSpoolDir d = DefaultSpoolDir.forServer("redis://127.0.0.1:7001", env());
        assertEquals(spool, d.directory());
        assertTrue(d.daemonsSpool());
        // the same server written otherwise, and found through STATESTORE_CONNECTION_FILE
        Map<String, String> explicit = Map.of(
                "HOME",
                "/nonexistent",
                "STATESTORE_CONNECTION_FILE",
                spool.resolveSibling("connection.json").toString());
        assertEquals(
                spool,
                DefaultSpoolDir.forServer("redis://writer:secret@localhost:7001/0", explicit)
                        .directory());
    }

    @Test
    void theUsersStateDirectoryWhenTheDaemonHasNoSpoolOrServesAnotherRedis() throws Exception {
        daemonData(); // a daemon that never made a spool (an older version)
        DefaultSpoolDir d = DefaultSpoolDir.forServer("redis://127.0.0.1:7001", env());
        assertEquals(home.resolve(".local/state/statestore/spool/redis_127.0.0.1_7001"), d.directory());
        assertFalse(d.daemonsSpool());
        Files.createDirectories(home.resolve(".local/share/statestore/spool"));
        DefaultSpoolDir other = DefaultSpoolDir.forServer("redis://:pw@10.0.0.5:6380", env());
        assertFalse(other.daemonsSpool(), "the daemon would forward to its own server, not this one");
        assertEquals(
                home.resolve(".local/state/statestore/spool/redis_10.0.0.5_6380"),
                other.directory(),
                "one directory per server, and no password in its name");
    }

    @Test
    void xdgStateHomeWhenSetAndAbsolute() {
        Path state = home.resolve("state");
        assertEquals(
                state.resolve("statestore/spool/redis_127.0.0.1_6379"),
                DefaultSpoolDir.forServer(
                                "redis://127.0.0.1:6379",
                                Map.of("HOME", home.toString(), "XDG_STATE_HOME", state.toString()))
                        .directory());
        assertEquals(
                home.resolve(".local/state/statestore/spool/redis_127.0.0.1_6379"),
                DefaultSpoolDir.forServer(
                                "redis://127.0.0.1:6379",
                                Map.of("HOME", home.toString(), "XDG_STATE_HOME", "relative/state"))
                        .directory(),
                "a relative XDG_STATE_HOME is ignored, as the spec says");
    }

    @Test
    void notTheDaemonsSpoolWhenTheCallerMayNotWriteThere() throws Exception {
        Path spool = Files.createDirectories(daemonData().resolve("spool"));
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("r-x------"));
        try {
            Assumptions.assumeFalse(Files.isWritable(spool), "running as root: every directory is writable");
            DefaultSpoolDir d = DefaultSpoolDir.forServer("redis://127.0.0.1:7001", env());
            assertFalse(d.daemonsSpool());
            assertEquals(home.resolve(".local/state/statestore/spool/redis_127.0.0.1_7001"), d.directory());
        } finally {
            Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
