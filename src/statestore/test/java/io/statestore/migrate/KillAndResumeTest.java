package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The importer runs as a child JVM and is killed with SIGKILL at several points of its run;
 * a re-run then finishes with the same documents, revisions, ledger and feed as one clean run.
 */
class KillAndResumeTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    static Path dir;

    static Path tree;
    static StoreSnapshot clean;

    @BeforeAll
    static void cleanRun() throws Exception {
        tree = LegacyTree.generate(dir.resolve("legacy"), "--days", "150", "--entities", "30");
        redis.flushAll();
        assertEquals(1, Cli.migrate(redis.uri(), "--from", tree.toString()).exit());
        try (Jedis j = redis.jedis()) {
            clean = StoreSnapshot.take(j);
        }
        assertTrue(
                clean.documents().size() > 250,
                "documents: " + clean.documents().size());
    }

    @Test
    void killedAtSeveralPointsThenResumedEqualsOneCleanRun() throws Exception {
        int total = clean.documents().size();
        int[] killAt = {0, 1, total / 3, (2 * total) / 3, total - 5};
        List<String> reached = new ArrayList<>();
        for (int threshold : killAt) {
            redis.flushAll();
            Process child = startImporter();
            long ledger = awaitLedgerSize(child, threshold);
            child.destroyForcibly(); // SIGKILL
            child.waitFor(10, TimeUnit.SECONDS);
            reached.add(threshold + "->" + ledger);
            // killed, and killed again early in the second run: still converges
            Process second = startImporter();
            awaitLedgerSize(second, (int) Math.min(total, ledger + 3));
            second.destroyForcibly();
            second.waitFor(10, TimeUnit.SECONDS);
            Cli resumed = Cli.migrate(redis.uri(), "--from", tree.toString());
            assertEquals(1, resumed.exit(), resumed.toString());
            try (Jedis j = redis.jedis()) {
                StoreSnapshot after = StoreSnapshot.take(j);
                assertEquals(clean.documents(), after.documents(), "documents after kill at " + threshold);
                assertEquals(clean.revisions(), after.revisions(), "revisions after kill at " + threshold);
                assertEquals(clean.ledger(), after.ledger(), "ledger after kill at " + threshold);
                assertEquals(clean.eventsPerKey(), after.eventsPerKey(), "events per key after kill at " + threshold);
                assertEquals(clean.feedLength(), after.feedLength(), "feed length after kill at " + threshold);
            }
        }
        System.out.println("kill points (threshold->ledger size when killed): " + reached);
    }

    private static Process startImporter() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1",
                MigrateMain.class.getName(),
                "--from",
                tree.toString(),
                "--redis",
                redis.uri(),
                "--batch-size",
                "7",
                "--batch-pause-ms",
                "15",
                "--no-progress");
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(new File("/dev/null"))
                .start();
    }

    /** Polls the ledger size until it reaches {@code n} (or the child exits); returns the size seen. */
    private static long awaitLedgerSize(Process child, int n) throws Exception {
        try (Jedis j = redis.jedis()) {
            // a hang guard around an importer JVM's start on a loaded machine (DaemonProcess.JVM_BOUND)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                long size = j.hlen("ss:migrate:ledger");
                if (size >= n || !child.isAlive()) {
                    return size;
                }
                LockSupport.parkNanos(1_000_000); // polling another process's progress in Redis
            }
        }
        throw new AssertionError("importer did not reach " + n + " ledger entries");
    }
}
