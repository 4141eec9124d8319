package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.SlotTags;
import io.statestore.testing.RedisClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The importer on a cluster whose primary dies mid-import (kill -9, its replica takes over):
 * whatever the first run got through, a re-run afterwards leaves exactly what one clean run
 * leaves: every file's document once, at revision 1, with one change event (docs/migration.md,
 * "Idempotent and resumable"). A write and its ledger entry are one transaction in one slot, so a
 * failover keeps both or neither of them (asynchronous replication may lose acknowledged ones,
 * which the re-run then writes).
 */
class ClusterMigrationFailoverTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();

    static final int FILES = 90;
    static final KeyLayout LAYOUT = new KeyLayout("ss:", true);

    @TempDir
    Path dir;

    @Test
    void aPrimaryKilledMidImportThenAReRunLeavesWhatOneCleanRunLeaves() throws Exception {
        Path tree = dir.resolve("legacy");
        Path daily = Files.createDirectories(tree.resolve("quantum_states/memories/daily"));
        List<String> keys = new ArrayList<>();
        for (int d = 0; d < FILES; d++) {
            String date = LocalDate.of(2025, 1, 1).plusDays(d).toString();
            Files.writeString(daily.resolve(date + ".json"), "{\"day\":" + d + "}");
            keys.add("quantum:daily:" + date);
        }
        int victim = cluster.primaryPorts().get(0);
        assertTrue(
                keys.stream()
                                .filter(k -> cluster.primaryOfSlot(SlotTags.slot(k)) == victim)
                                .count()
                        > 10,
                "the victim holds a share of the tree");

        StateStoreOptions options = StateStoreOptions.builder()
                .uri(cluster.uri())
                .writer("statestore-migrate")
                .timeout(Duration.ofMillis(500))
                .build();
        AtomicInteger commits = new AtomicInteger();
        String firstRun;
        try (ImportTarget target = new ImportTarget(options)) {
            ImportSettings settings = new ImportSettings(
                    tree, Mapping.defaults(), OnExisting.FAIL, false, null, null, 500, Duration.ZERO, false);
            try {
                MigrationReport r = new Importer(settings, target, Progress.none())
                        .beforeCommit(k -> {
                            if (commits.incrementAndGet() == FILES / 3) {
                                kill(victim);
                            }
                        })
                        .run();
                firstRun = r.files().stream()
                        .map(f -> f.action().toString())
                        .distinct()
                        .toList()
                        .toString();
            } catch (RuntimeException e) {
                firstRun = "ended by " + e; // the run may stop at the outage: the re-run is the point
            }
        }
        System.out.println("[cluster] import with a primary killed at commit " + FILES / 3 + ": first run " + firstRun);
        assertTrue(commits.get() >= FILES / 3, "the kill happened mid-import");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (cluster.primaryPorts().contains(victim) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(!cluster.primaryPorts().contains(victim), "the victim's replica took over");
        cluster.awaitReady(); // every live node says cluster_state:ok (a re-run meanwhile fails: CLUSTERDOWN)

        Cli again = Cli.migrate(cluster.uri(), "--from", tree.toString());
        assertEquals(0, again.exit(), again.toString());
        Cli third = Cli.migrate(cluster.uri(), "--from", tree.toString());
        assertEquals(0, third.exit(), third.toString());

        StateStore store = cluster.newStore();
        for (int d = 0; d < FILES; d++) {
            String key = keys.get(d);
            var doc = store.get(key).orElseThrow(() -> new AssertionError(key + " missing"));
            assertEquals(d, doc.value().get("day").asInt(), key);
            assertEquals(1, doc.revision(), key + ": written once");
            String feed = LAYOUT.feed(key);
            List<StreamEntry> entries;
            try (Jedis j = cluster.node(cluster.primaryOfSlot(SlotTags.slot(feed)))) {
                entries = j.xrange(feed, "-", "+");
            }
            assertEquals(
                    1,
                    entries.stream()
                            .filter(e -> key.equals(e.getFields().get("key")))
                            .count(),
                    key + ": one change event");
        }
    }

    private static void kill(int port) {
        try {
            cluster.kill9(port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
