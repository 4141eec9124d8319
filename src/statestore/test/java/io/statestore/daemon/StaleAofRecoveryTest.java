package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.daemon.redis.StaleAofRecovery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decision before a launch: which file is newer, the marked AOF or dump.rdb (files only, no server). */
class StaleAofRecoveryTest {
    @TempDir
    Path dir;

    private final AtomicInteger rebuilds = new AtomicInteger();

    @BeforeEach
    void aofAndRdb() throws IOException {
        Files.createDirectory(dir.resolve("appendonlydir"));
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.1.incr.aof"), "*1\r\n$4\r\nPING\r\n");
        Files.writeString(dir.resolve("dump.rdb"), "REDIS0010");
    }

    private StaleAofRecovery recovery() {
        return new StaleAofRecovery(dir, () -> {
            rebuilds.incrementAndGet();
            Files.createDirectory(dir.resolve("appendonlydir")); // what the rebuild leaves
            return 3;
        });
    }

    @Test
    void anUnchangedMarkedAofIsSetAsideAndRebuiltFromTheRdb() throws Exception {
        StaleAofRecovery.mark(dir);
        recovery().recoverIfStale();
        assertEquals(1, rebuilds.get());
        assertFalse(StaleAofRecovery.marked(dir));
        assertEquals(1, stale(), "the old AOF is kept aside");
    }

    @Test
    void anAofWrittenAfterTheMarkIsKept() throws Exception {
        StaleAofRecovery.mark(dir);
        Files.writeString(
                dir.resolve("appendonlydir/appendonly.aof.1.incr.aof"),
                "*1\r\n$4\r\nPING\r\n",
                StandardOpenOption.APPEND); // Redis flushed its buffer once space returned
        recovery().recoverIfStale();
        assertEquals(0, rebuilds.get());
        assertFalse(StaleAofRecovery.marked(dir));
        assertEquals(0, stale());
    }

    @Test
    void aFailedRebuildKeepsTheMarkSoTheNextLaunchTriesAgain() throws Exception {
        StaleAofRecovery.mark(dir);
        StaleAofRecovery failing = new StaleAofRecovery(dir, () -> {
            throw new IOException("no space");
        });
        assertThrows(IOException.class, failing::recoverIfStale);
        assertTrue(StaleAofRecovery.marked(dir), "mark kept while appendonlydir is aside");
        recovery().recoverIfStale(); // the AOF directory is gone: go on from the RDB
        assertEquals(1, rebuilds.get());
        assertFalse(StaleAofRecovery.marked(dir));
    }

    @Test
    void noMarkNoChange() throws Exception {
        recovery().recoverIfStale();
        assertEquals(0, rebuilds.get());
        assertEquals(0, stale());
    }

    private long stale() throws IOException {
        try (Stream<Path> l = Files.list(dir)) {
            return l.filter(p -> p.getFileName().toString().startsWith("appendonlydir.stale-"))
                    .count();
        }
    }
}
