package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A re-run of the migration over documents changed in the store since they were imported (issue
 * 16): they are left alone and reported, unless --overwrite-live-changes, and even then a change
 * landing between the importer's read and its write is a conflict, never overwritten.
 */
class LiveChangeTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static final String STATUS = "quantum_states/status.json";
    static final String STATUS_KEY = "quantum:status";
    static final String SESSION = "quantum_states/memories/current_session.json";
    static final String LEDGER = "ss:migrate:ledger";
    static final String LIVE = "{\"mood\":\"set-by-live-service\"}";

    @TempDir
    Path tmp;

    Path tree;
    StateStore store;
    String sessionKey;

    @BeforeEach
    void importTree() throws Exception {
        redis.flushAll();
        tree = LegacyTree.generate(tmp.resolve("legacy"), "--days", "2", "--entities", "1", "--clean-only");
        Cli first = Cli.migrate(redis.uri(), "--from", tree.toString());
        assertEquals(0, first.exit(), first.toString());
        store = redis.newStore();
        sessionKey = Mapping.defaults().match(SESSION).orElseThrow().key();
        assertEquals(1, store.get(STATUS_KEY).orElseThrow().revision());
        try (Jedis j = redis.jedis()) {
            assertEquals(
                    1L,
                    LedgerEntry.parse(j.hget(LEDGER, STATUS)).revision(),
                    "the ledger records the revision written");
        }
    }

    /** The live service's change, then one space added to its legacy file and a real change to another file. */
    private void liveChangeThenFilesChange() throws Exception {
        store.merge(STATUS_KEY, StrictJson.parse(LIVE));
        assertEquals(2, store.get(STATUS_KEY).orElseThrow().revision());
        Files.writeString(tree.resolve(STATUS), " ", StandardOpenOption.APPEND);
        Files.writeString(tree.resolve(SESSION), "{\"session\":\"changed by the legacy system\"}");
    }

    private static Map<String, JsonNode> files(Path report) throws Exception {
        JsonNode rep = StrictJson.parse(Files.readAllBytes(report), "report");
        Map<String, JsonNode> byPath = new HashMap<>();
        rep.get("files").forEach(f -> byPath.put(f.get("path").asText(), f));
        return byPath;
    }

    private static Map<String, String> actions(Path report) throws Exception {
        Map<String, String> out = new HashMap<>();
        files(report).forEach((p, f) -> out.put(p, f.get("action").asText()));
        return out;
    }

    private String mood() {
        return store.get(STATUS_KEY).orElseThrow().value().path("mood").asText(null);
    }

    @Test
    void liveChangeIsLeftAloneAndReportedTheSameWayByDryRunAndRun() throws Exception {
        liveChangeThenFilesChange();
        StoreSnapshot before;
        try (Jedis j = redis.jedis()) {
            before = StoreSnapshot.take(j);
        }

        Path planReport = tmp.resolve("plan.json");
        Cli plan = Cli.migrate(redis.uri(), "--from", tree.toString(), "--dry-run", "--report", planReport.toString());
        assertEquals(1, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("changed-in-store " + STATUS + " -> " + STATUS_KEY), plan.out());
        assertTrue(
                plan.out().contains("changed in the store since import (imported revision 1, store revision 2)"),
                plan.out());
        assertTrue(plan.out().contains("update       " + SESSION + " -> " + sessionKey), plan.out());
        try (Jedis j = redis.jedis()) {
            assertEquals(before, StoreSnapshot.take(j), "a dry run writes nothing");
        }

        Path runReport = tmp.resolve("run.json");
        Cli run = Cli.migrate(redis.uri(), "--from", tree.toString(), "--progress", "--report", runReport.toString());
        assertEquals(1, run.exit(), run.toString());
        assertEquals(actions(planReport), actions(runReport), "the dry run showed the plan the run carried out");
        JsonNode status = files(runReport).get(STATUS);
        assertEquals("changed-in-store", status.get("action").asText());
        assertEquals("changed-in-store", status.get("code").asText());
        assertEquals(1, status.get("recordedRevision").asLong());
        assertEquals(2, status.get("storeRevision").asLong());
        assertEquals("update", files(runReport).get(SESSION).get("action").asText());
        assertEquals(
                1,
                StrictJson.parse(Files.readAllBytes(runReport), "report")
                        .get("counts")
                        .get("changed-in-store")
                        .asInt());
        assertTrue(run.out().contains("changed-in-store: " + STATUS + " [changed-in-store]"), run.out());
        assertTrue(run.err().contains("changed-in-store: " + STATUS), "progress output names it: " + run.err());

        assertEquals("set-by-live-service", mood(), "the live change is kept");
        assertEquals(2, store.get(STATUS_KEY).orElseThrow().revision());
        assertEquals(
                "changed by the legacy system",
                store.get(sessionKey).orElseThrow().value().get("session").asText());
        assertEquals(2, store.get(sessionKey).orElseThrow().revision());
        try (Jedis j = redis.jedis()) {
            assertEquals(
                    before.ledger().get(STATUS), j.hget(LEDGER, STATUS), "ledger entry of the file left alone kept");
            assertEquals(2L, LedgerEntry.parse(j.hget(LEDGER, SESSION)).revision());
        }

        Cli again = Cli.migrate(redis.uri(), "--from", tree.toString());
        assertEquals(1, again.exit(), "still reported until someone decides: " + again);
        assertTrue(again.out().contains("changed-in-store: " + STATUS), again.out());
        assertEquals("set-by-live-service", mood());
    }

    @Test
    void overwriteLiveChangesReplacesTheDocumentAtTheRevisionRead() throws Exception {
        liveChangeThenFilesChange();
        Path planReport = tmp.resolve("plan.json");
        Cli plan = Cli.migrate(
                redis.uri(),
                "--from",
                tree.toString(),
                "--overwrite-live-changes",
                "--dry-run",
                "--report",
                planReport.toString());
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("update       " + STATUS + " -> " + STATUS_KEY), plan.out());
        assertEquals("set-by-live-service", mood());

        Path report = tmp.resolve("r.json");
        Cli r = Cli.migrate(
                redis.uri(), "--from", tree.toString(), "--overwrite-live-changes", "--report", report.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(actions(planReport), actions(report));
        JsonNode status = files(report).get(STATUS);
        assertEquals("update", status.get("action").asText());
        assertEquals("live-change-overwritten", status.get("code").asText());
        assertEquals(1, status.get("recordedRevision").asLong());
        assertEquals(2, status.get("storeRevision").asLong());
        assertEquals(3, status.get("revision").asLong());
        assertTrue(r.out().contains("update: " + STATUS + " [live-change-overwritten]"), r.out());
        assertNull(mood(), "overwritten with the file's content");
        assertEquals(
                "active",
                store.get(STATUS_KEY).orElseThrow().value().get("status").asText());
        try (Jedis j = redis.jedis()) {
            assertEquals(3L, LedgerEntry.parse(j.hget(LEDGER, STATUS)).revision());
        }
        Cli again = Cli.migrate(redis.uri(), "--from", tree.toString());
        assertEquals(0, again.exit(), again.toString());
        assertFalse(again.out().contains("changed-in-store:"), again.out());
    }

    @Test
    void unchangedFileLeavesTheLiveChangeAloneEvenWithTheOverwriteFlag() throws Exception {
        store.merge(STATUS_KEY, StrictJson.parse(LIVE));
        for (String flag : List.of("--no-progress", "--overwrite-live-changes")) {
            Path report = tmp.resolve("r" + flag + ".json");
            Cli r = Cli.migrate(redis.uri(), "--from", tree.toString(), flag, "--report", report.toString());
            assertEquals(0, r.exit(), r.toString());
            assertEquals("unchanged", files(report).get(STATUS).get("action").asText());
            assertEquals("set-by-live-service", mood());
            assertEquals(2, store.get(STATUS_KEY).orElseThrow().revision(), "not rewritten");
        }
    }

    @Test
    void firstImportOverAnExistingKeyStillFollowsOnExisting() throws Exception {
        Path other = LegacyTree.generate(tmp.resolve("other"), "--days", "1", "--entities", "1", "--clean-only");
        redis.flushAll();
        store.put(STATUS_KEY, StrictJson.parse("{\"live\":true}"));
        Cli failed = Cli.migrate(redis.uri(), "--from", other.toString(), "--overwrite-live-changes");
        assertEquals(1, failed.exit());
        assertTrue(failed.out().contains("failed: " + STATUS + " [exists]"), failed.out());
        assertFalse(failed.out().contains("changed-in-store: "), failed.out());
        assertEquals(
                "{\"live\":true}", store.get(STATUS_KEY).orElseThrow().value().toString());
        assertEquals(
                0,
                Cli.migrate(redis.uri(), "--from", other.toString(), "--on-existing", "overwrite")
                        .exit());
        assertEquals(
                "active",
                store.get(STATUS_KEY).orElseThrow().value().get("status").asText());
    }

    private MigrationReport runImporter(boolean overwrite, AtomicInteger hookCalls, String raceValue) throws Exception {
        StateStoreOptions options = StateStoreOptions.builder()
                .uri(redis.uri())
                .writer("statestore-migrate")
                .build();
        try (ImportTarget target = new ImportTarget(options)) {
            ImportSettings settings = new ImportSettings(
                    tree, Mapping.defaults(), OnExisting.FAIL, false, null, null, 500, Duration.ZERO, overwrite);
            return new Importer(settings, target, Progress.none())
                    .beforeCommit(keys -> {
                        if (hookCalls.getAndIncrement() == 0) {
                            assertTrue(keys.contains(STATUS_KEY), keys.toString());
                            store.merge(STATUS_KEY, StrictJson.parse(raceValue));
                        }
                    })
                    .run();
        }
    }

    private static FileOutcome outcome(MigrationReport r, String path) {
        return r.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void changeBetweenReadAndWriteIsAConflictNotAnOverwrite() throws Exception {
        liveChangeThenFilesChange();
        AtomicInteger calls = new AtomicInteger();
        MigrationReport r = runImporter(true, calls, "{\"mood\":\"raced-in\"}");
        assertTrue(calls.get() >= 2, "the first commit was refused and the chunk read again");
        FileOutcome status = outcome(r, STATUS);
        assertEquals(Action.FAILED, status.action());
        assertEquals("conflict", status.code());
        assertTrue(status.reason().contains("revision 2 read, now 3"), status.reason());
        assertEquals(1, r.exitCode());
        assertEquals("raced-in", mood(), "the change that landed meanwhile is kept");
        assertEquals(3, store.get(STATUS_KEY).orElseThrow().revision());
        assertEquals(Action.UPDATE, outcome(r, SESSION).action(), "the rest of the chunk is written");
        try (Jedis j = redis.jedis()) {
            assertEquals(1L, LedgerEntry.parse(j.hget(LEDGER, STATUS)).revision(), "ledger not advanced");
        }
    }

    @Test
    void changeBetweenReadAndWriteOfAPlainUpdateIsLeftAlone() throws Exception {
        Files.writeString(tree.resolve(STATUS), " ", StandardOpenOption.APPEND);
        AtomicInteger calls = new AtomicInteger();
        MigrationReport r = runImporter(false, calls, LIVE);
        FileOutcome status = outcome(r, STATUS);
        assertEquals(Action.CHANGED_IN_STORE, status.action(), status.toString());
        assertEquals(1L, status.recordedRevision());
        assertEquals(2L, status.storeRevision());
        assertEquals("set-by-live-service", mood());
    }

    @Test
    void storeRefusesAWriteAtAStaleRevisionAndTheLedgerIsRestored() throws Exception {
        store.merge(STATUS_KEY, StrictJson.parse(LIVE));
        StateStoreOptions options = StateStoreOptions.builder()
                .uri(redis.uri())
                .writer("statestore-migrate")
                .build();
        try (ImportTarget target = new ImportTarget(options);
                Jedis j = redis.jedis()) {
            String entry = j.hget(LEDGER, STATUS);
            List<ImportTarget.Committed> c = target.commit(List.of(new ImportTarget.Write(
                    STATUS,
                    STATUS_KEY,
                    "{\"status\":\"stale\"}",
                    1L,
                    null,
                    new LedgerEntry("x", STATUS_KEY, 2L),
                    entry)));
            assertNotNull(c.get(0).error());
            assertTrue(c.get(0).error().startsWith("SS_CONFLICT"), c.get(0).error());
            assertEquals(entry, j.hget(LEDGER, STATUS));
        }
        assertEquals("set-by-live-service", mood());
    }

    @Test
    void ledgerEntriesWithoutARevisionFallBackToTheLastWriter() throws Exception {
        try (Jedis j = redis.jedis()) {
            for (String path : List.of(STATUS, SESSION)) {
                LedgerEntry e = LedgerEntry.parse(j.hget(LEDGER, path));
                j.hset(LEDGER, path, new LedgerEntry(e.sha256(), e.key()).toJson());
            }
        }
        liveChangeThenFilesChange();
        Path report = tmp.resolve("r.json");
        Cli r = Cli.migrate(redis.uri(), "--from", tree.toString(), "--report", report.toString());
        assertEquals(1, r.exit(), r.toString());
        JsonNode status = files(report).get(STATUS);
        assertEquals("changed-in-store", status.get("action").asText());
        assertTrue(status.get("recordedRevision").isNull());
        assertTrue(status.get("reason").asText().contains("last writer test"), status.toString());
        assertEquals("update", files(report).get(SESSION).get("action").asText(), "last written by the importer");
        assertEquals("set-by-live-service", mood());
    }

    @Test
    void documentExpiredByRedisIsCreatedAgainAndTheLedgerGetsTheRevisionTheStoreGave() throws Exception {
        try (Jedis j = redis.jedis()) {
            j.del(STATUS_KEY); // as Redis expiry does: the key is gone, its metadata still says revision 1
        }
        Files.writeString(tree.resolve(STATUS), " ", StandardOpenOption.APPEND);
        Path report = tmp.resolve("r.json");
        Cli r = Cli.migrate(redis.uri(), "--from", tree.toString(), "--report", report.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode status = files(report).get(STATUS);
        assertEquals("create", status.get("action").asText());
        long rev = status.get("revision").asLong();
        assertEquals(3, rev, "expiry tombstone 2, then the import");
        try (Jedis j = redis.jedis()) {
            assertEquals(rev, LedgerEntry.parse(j.hget(LEDGER, STATUS)).revision(), "ledger corrected after EXEC");
        }
        store.merge(STATUS_KEY, StrictJson.parse(LIVE));
        Files.writeString(tree.resolve(STATUS), "  ", StandardOpenOption.APPEND);
        Cli again = Cli.migrate(redis.uri(), "--from", tree.toString());
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.out().contains("(imported revision 3, store revision 4)"), again.out());
    }
}
