package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.client.spi.SlotTags;
import io.statestore.testing.RedisClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer and the export on Redis Cluster (docs/cluster.md "Migrating into a cluster"): a
 * tree whose documents land on every primary, the per-slot ledger making a re-run a no-op, the
 * on-existing policies, a live write during the import not overwritten, verify, export back.
 */
class ClusterMigrationTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    static final int FILES = 30;

    @TempDir
    Path dir;

    Path tree;
    StateStore store;

    @BeforeEach
    void tree() throws Exception {
        cluster.flushAll();
        store = cluster.newStore();
        tree = dir.resolve("legacy");
        Path daily = Files.createDirectories(tree.resolve("quantum_states/memories/daily"));
        for (int d = 1; d <= FILES; d++) {
            Files.writeString(daily.resolve(date(d) + ".json"), "{\"day\":" + d + ",\"note\":\"n" + d + "\"}");
        }
    }

    private static String date(int d) {
        return String.format("2025-01-%02d", d);
    }

    private static String key(int d) {
        return "quantum:daily:" + date(d);
    }

    @Test
    void aTreeOverEveryPrimaryImportsOnceAndReRunsAsANoOp() {
        Set<Integer> primaries = new HashSet<>();
        for (int d = 1; d <= FILES; d++) {
            primaries.add(cluster.primaryOfSlot(SlotTags.slot(key(d))));
        }
        assertEquals(3, primaries.size(), "the tree's documents are spread over all three primaries");

        Cli first = Cli.migrate(cluster.uri(), "--from", tree.toString());
        assertEquals(0, first.exit(), first.toString());
        for (int d = 1; d <= FILES; d++) {
            var doc = store.get(key(d)).orElseThrow();
            assertEquals(1, doc.revision());
            assertEquals(d, doc.value().get("day").asInt());
            // the ledger entry sits in the document's slot
            String ledger = "ss:migrate:ledger{" + SlotTags.tag(SlotTags.slot(key(d))) + "}";
            String entry = cluster.commands().hget(ledger, "quantum_states/memories/daily/" + date(d) + ".json");
            assertEquals(key(d), LedgerEntry.parse(entry).key(), ledger);
        }

        Cli again = Cli.migrate(cluster.uri(), "--from", tree.toString());
        assertEquals(0, again.exit(), again.toString());
        for (int d = 1; d <= FILES; d++) {
            assertEquals(1, store.get(key(d)).orElseThrow().revision(), "a re-run writes nothing");
        }

        Cli verify = Cli.migrate(cluster.uri(), "--from", tree.toString(), "--verify");
        assertEquals(0, verify.exit(), verify.toString());
        store.put(key(3), Map.of("day", 99));
        Cli verifyAfter = Cli.migrate(cluster.uri(), "--from", tree.toString(), "--verify");
        assertNotEquals(0, verifyAfter.exit(), "verify notices a document that differs: " + verifyAfter);
    }

    @Test
    void onExistingPoliciesHoldOnACluster() {
        store.put(key(1), Map.of("mine", true));
        Cli fail = Cli.migrate(cluster.uri(), "--from", tree.toString());
        assertNotEquals(0, fail.exit(), fail.toString());
        assertTrue(store.get(key(1)).orElseThrow().value().get("mine").asBoolean(), "kept under fail");
        assertEquals(1, store.get(key(2)).orElseThrow().revision(), "the other files were imported");

        Cli skip = Cli.migrate(cluster.uri(), "--from", tree.toString(), "--on-existing", "skip");
        assertEquals(0, skip.exit(), skip.toString());
        assertTrue(store.get(key(1)).orElseThrow().value().get("mine").asBoolean(), "kept under skip");

        Cli overwrite = Cli.migrate(cluster.uri(), "--from", tree.toString(), "--on-existing", "overwrite");
        assertEquals(0, overwrite.exit(), overwrite.toString());
        assertEquals(1, store.get(key(1)).orElseThrow().value().get("day").asInt(), "replaced under overwrite");
    }

    @Test
    void aLiveWriteDuringTheImportIsNotOverwritten() throws Exception {
        StateStoreOptions options = StateStoreOptions.builder()
                .uri(cluster.uri())
                .writer("statestore-migrate")
                .build();
        AtomicInteger hook = new AtomicInteger();
        MigrationReport r;
        try (ImportTarget target = new ImportTarget(options)) {
            ImportSettings settings = new ImportSettings(
                    tree, Mapping.defaults(), OnExisting.FAIL, false, null, null, 500, Duration.ZERO, false);
            r = new Importer(settings, target, Progress.none())
                    .beforeCommit(keys -> {
                        if (keys.contains(key(5)) && hook.getAndIncrement() == 0) {
                            store.put(key(5), StrictJson.parse("{\"live\":true}"));
                        }
                    })
                    .run();
        }
        assertTrue(hook.get() >= 1, "the hook ran before the commit of key 5's slot");
        assertTrue(
                store.get(key(5)).orElseThrow().value().get("live").asBoolean(),
                "the live write survived: " + r.files());
        FileOutcome o = r.files().stream()
                .filter(f -> key(5).equals(f.key()))
                .findFirst()
                .orElseThrow();
        assertEquals(Action.FAILED, o.action(), o.toString());
        assertEquals(1, store.get(key(6)).orElseThrow().revision());
    }

    @Test
    void exportWritesTheTreeBack() throws Exception {
        assertEquals(0, Cli.migrate(cluster.uri(), "--from", tree.toString()).exit());
        Path out = dir.resolve("out");
        Cli export = Cli.export(cluster.uri(), "--to", out.toString());
        assertEquals(0, export.exit(), export.toString());
        for (int d = 1; d <= FILES; d++) {
            Path f = out.resolve("quantum_states/memories/daily/" + date(d) + ".json");
            assertEquals(
                    StrictJson.parse(
                            Files.readString(tree.resolve("quantum_states/memories/daily/" + date(d) + ".json"))),
                    StrictJson.parse(Files.readString(f)),
                    f.toString());
        }
    }
}
