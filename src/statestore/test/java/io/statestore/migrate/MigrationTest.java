package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.testing.RedisServerExtension;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

class MigrationTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    static Path shared;

    static Path tree;

    @TempDir
    Path tmp;

    static final Map<String, String> DAMAGED = Map.of(
            "quantum_states/memories/daily/2025-06-15.json", "empty",
            "quantum_states/memories/daily/2025-06-16.json", "truncated",
            "quantum_states/memories/daily/2025-06-17.json", "nan-infinity",
            "consciousness/entities/claude/notes.json", "duplicate-key");

    @BeforeAll
    static void generate() throws Exception {
        tree = LegacyTree.generate(shared.resolve("legacy"));
    }

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    private Jedis jedis() {
        return redis.jedis();
    }

    private static List<Path> jsonFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void generatedTreeImportsExactlyAndQuarantinesDamagedFilesWithReasons() throws Exception {
        Path report = tmp.resolve("report.json");
        Path quarantine = tmp.resolve("quarantine");
        Cli r = Cli.migrate(
                redis.uri(),
                "--from",
                tree.toString(),
                "--report",
                report.toString(),
                "--quarantine",
                quarantine.toString());
        assertEquals(1, r.exit(), r.toString());

        JsonNode rep = StrictJson.parse(Files.readAllBytes(report), "report");
        Map<String, JsonNode> byPath = new HashMap<>();
        rep.get("files").forEach(f -> byPath.put(f.get("path").asText(), f));
        DAMAGED.forEach((path, code) -> {
            JsonNode f = byPath.get(path);
            assertEquals("quarantined", f.get("action").asText(), path);
            assertEquals(code, f.get("code").asText(), path);
            assertFalse(f.get("reason").asText().isBlank());
            assertTrue(Files.exists(quarantine.resolve(path)), "copied to quarantine: " + path);
            assertTrue(r.out().contains(path), "summary names " + path);
        });
        assertEquals(
                "skipped",
                byPath.get("quantum_states/status.json.tmp").get("action").asText());
        JsonNode prefs = byPath.get("consciousness/entities/claude/preferences.json");
        assertEquals("create", prefs.get("action").asText());
        assertTrue(prefs.get("bomStripped").asBoolean());
        assertEquals(1, rep.get("counts").get("bomStripped").asInt());

        int imported = 0;
        try (Jedis j = jedis()) {
            for (Path file : jsonFiles(tree)) {
                String rel = tree.relativize(file).toString();
                JsonNode f = byPath.get(rel);
                if (!f.get("action").asText().equals("create")) {
                    continue;
                }
                imported++;
                SourceFile src = StrictReader.parse(Files.readAllBytes(file), rel);
                String stored = j.get(f.get("key").asText());
                assertEquals(src.text(), stored, rel);
                assertEquals(src.json(), StrictJson.parse(stored, rel), rel);
                assertEquals(1, f.get("revision").asLong());
            }
            assertEquals(imported, j.xlen("ss:feed"), "one event per imported document");
            String state = j.get("entity:claude:state");
            BigInteger snowflake = StrictJson.parse(state).get("snowflake_id").bigIntegerValue();
            assertTrue(snowflake.compareTo(BigInteger.TWO.pow(53)) > 0);
            assertTrue(
                    Files.readString(tree.resolve("consciousness/entities/claude/state.json"))
                            .contains("\"snowflake_id\": " + snowflake),
                    "exact digits of snowflake_id");
            List<StreamEntry> events = j.xrange("ss:feed", (StreamEntryID) null, (StreamEntryID) null);
            for (StreamEntry e : events) {
                assertEquals("import", e.getFields().get("op"));
                assertTrue(byPath.containsKey(e.getFields().get("src")), "src is the relative path");
            }
            assertEquals(
                    "quantum:daily:2025-07-01",
                    byPath.get("quantum_states/memories/daily/2025-07-01.json")
                            .get("key")
                            .asText());
        }
        assertTrue(imported > 40, "imported " + imported);
    }

    @Test
    void secondRunReportsEverythingUnchangedAndWritesNoEvent() throws Exception {
        Cli first = Cli.migrate(redis.uri(), "--from", tree.toString());
        assertEquals(1, first.exit(), first.toString());
        StoreSnapshot before;
        try (Jedis j = jedis()) {
            before = StoreSnapshot.take(j);
        }
        Path report = tmp.resolve("second.json");
        Cli second = Cli.migrate(redis.uri(), "--from", tree.toString(), "--report", report.toString());
        assertEquals(1, second.exit(), "damaged files still quarantined: " + second);
        JsonNode counts = StrictJson.parse(Files.readAllBytes(report), "report").get("counts");
        assertEquals(0, counts.get("create").asInt());
        assertEquals(0, counts.get("update").asInt());
        assertEquals(before.documents().size(), counts.get("unchanged").asInt());
        try (Jedis j = jedis()) {
            assertEquals(before, StoreSnapshot.take(j));
        }
    }

    @Test
    void lostLedgerIsRebuiltFromDocumentContentWithoutEvents() throws Exception {
        assertEquals(1, Cli.migrate(redis.uri(), "--from", tree.toString()).exit());
        StoreSnapshot before;
        try (Jedis j = jedis()) {
            before = StoreSnapshot.take(j);
            j.del("ss:migrate:ledger");
        }
        Path report = tmp.resolve("r.json");
        assertEquals(
                1,
                Cli.migrate(redis.uri(), "--from", tree.toString(), "--report", report.toString())
                        .exit());
        assertEquals(
                before.documents().size(),
                StrictJson.parse(Files.readAllBytes(report), "report")
                        .get("counts")
                        .get("unchanged")
                        .asInt());
        try (Jedis j = jedis()) {
            assertEquals(before, StoreSnapshot.take(j));
        }
    }

    @Test
    void cleanTreeExitsZeroAndChangedFileBecomesOneUpdate() throws Exception {
        Path clean = LegacyTree.generate(tmp.resolve("clean"), "--days", "3", "--clean-only");
        assertEquals(0, Cli.migrate(redis.uri(), "--from", clean.toString()).exit());
        Path status = clean.resolve("quantum_states/status.json");
        Files.writeString(status, "{\"status\": \"idle\", \"n\": 12345678901234567890123}");
        Cli r = Cli.migrate(redis.uri(), "--from", clean.toString());
        assertEquals(0, r.exit(), r.toString());
        try (Jedis j = jedis()) {
            assertEquals("{\"status\":\"idle\",\"n\":12345678901234567890123}", j.get("quantum:status"));
            assertEquals("2", j.hget("ss:m:{quantum:status}", "rev"));
        }
    }

    @Test
    void dryRunPrintsThePlanAndWritesNothing() throws Exception {
        Cli r = Cli.migrate(redis.uri(), "--from", tree.toString(), "--dry-run");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("create       quantum_states/status.json -> quantum:status"), r.out());
        assertTrue(r.out().contains("quarantined  quantum_states/memories/daily/2025-06-15.json"), r.out());
        assertTrue(r.out().contains("skipped      quantum_states/status.json.tmp"), r.out());
        try (Jedis j = jedis()) {
            assertEquals(0, j.exists("ss:feed") ? 1 : 0);
            assertFalse(j.exists("quantum:status"));
        }
    }

    @Test
    void existingDifferentDocumentFailsKeepsOrIsOverwrittenAsAsked() throws Exception {
        Path clean = LegacyTree.generate(tmp.resolve("c"), "--days", "1", "--entities", "1", "--clean-only");
        StateStore store = redis.newStore();
        store.put("quantum:status", StrictJson.parse("{\"live\":true}"));
        Cli failed = Cli.migrate(redis.uri(), "--from", clean.toString());
        assertEquals(1, failed.exit());
        assertTrue(failed.out().contains("failed: quantum_states/status.json [exists]"), failed.out());
        assertEquals(
                "{\"live\":true}",
                store.get("quantum:status").orElseThrow().value().toString());
        assertEquals(
                0,
                Cli.migrate(redis.uri(), "--from", clean.toString(), "--on-existing", "skip")
                        .exit());
        assertEquals(
                "{\"live\":true}",
                store.get("quantum:status").orElseThrow().value().toString());
        assertEquals(
                0,
                Cli.migrate(redis.uri(), "--from", clean.toString(), "--on-existing", "overwrite")
                        .exit());
        assertEquals(
                "active",
                store.get("quantum:status").orElseThrow().value().get("status").asText());
        assertEquals(
                2,
                Cli.migrate(redis.uri(), "--from", clean.toString(), "--on-existing", "maybe")
                        .exit());
    }

    @Test
    void verifyReportsDocumentsThatDifferFromTheirFiles() throws Exception {
        Path clean = LegacyTree.generate(tmp.resolve("v"), "--days", "2", "--entities", "1", "--clean-only");
        assertEquals(0, Cli.migrate(redis.uri(), "--from", clean.toString()).exit());
        Cli ok = Cli.migrate(redis.uri(), "--from", clean.toString(), "--verify");
        assertEquals(0, ok.exit(), ok.toString());
        redis.newStore().put("quantum:status", StrictJson.parse("{\"changed\":1}"));
        Cli bad = Cli.migrate(redis.uri(), "--from", clean.toString(), "--verify");
        assertEquals(1, bad.exit());
        assertTrue(bad.out().contains("different: quantum_states/status.json -> quantum:status"), bad.out());
    }

    @Test
    void verifyCountsAQuarantinedFileApartNotAsADifference() throws Exception {
        Path clean = LegacyTree.generate(tmp.resolve("q"), "--days", "2", "--entities", "1", "--clean-only");
        assertEquals(0, Cli.migrate(redis.uri(), "--from", clean.toString()).exit());
        Files.writeString(clean.resolve("quantum_states/status.json"), "{\"truncated\": [1, 2");
        Cli v = Cli.migrate(redis.uri(), "--from", clean.toString(), "--verify");
        assertEquals(0, v.exit(), "a quarantined file was never imported: nothing in the store differs\n" + v);
        assertTrue(v.out().contains("quarantined: quantum_states/status.json"), v.out());
        assertTrue(v.out().contains(" 0 differ, 1 quarantined (never imported"), v.out());
    }

    @Test
    void symlinksAreNeverFollowed() throws Exception {
        Path root = tmp.resolve("links");
        Path outside = tmp.resolve("outside");
        Files.createDirectories(root.resolve("quantum_states/memories"));
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("secret.json"), "{\"secret\":1}");
        Files.createSymbolicLink(root.resolve("quantum_states/status.json"), outside.resolve("secret.json"));
        Files.createSymbolicLink(root.resolve("consciousness"), outside);
        Cli r = Cli.migrate(redis.uri(), "--from", root.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("skipped: quantum_states/status.json (symbolic link (not followed))"), r.out());
        try (Jedis j = jedis()) {
            assertFalse(j.exists("quantum:status"));
        }
    }

    @Test
    void exportReproducesDocumentsAndReimportIsAFixedPoint() throws Exception {
        assertEquals(1, Cli.migrate(redis.uri(), "--from", tree.toString()).exit());
        StoreSnapshot before;
        try (Jedis j = jedis()) {
            before = StoreSnapshot.take(j);
        }
        Path out = tmp.resolve("export");
        Cli e = Cli.export(redis.uri(), "--to", out.toString());
        assertEquals(0, e.exit(), e.toString());
        int files = 0;
        for (Path f : jsonFiles(out)) {
            String rel = out.relativize(f).toString();
            String key = Mapping.defaults().match(rel).orElseThrow().key();
            String exported = Files.readString(f, StandardCharsets.UTF_8);
            assertEquals(before.documents().get(key) + "\n", exported, rel);
            files++;
        }
        assertEquals(before.documents().size(), files);
        Cli again = Cli.migrate(redis.uri(), "--from", out.toString());
        assertEquals(0, again.exit(), again.toString());
        try (Jedis j = jedis()) {
            StoreSnapshot after = StoreSnapshot.take(j);
            assertEquals(before.documents(), after.documents());
            assertEquals(before.revisions(), after.revisions());
            assertEquals(before.feedLength(), after.feedLength(), "re-import of the export writes no event");
        }
        Path prefixed = tmp.resolve("prefixed");
        assertEquals(
                0,
                Cli.export(redis.uri(), "--to", prefixed.toString(), "--prefix", "entity:claude:")
                        .exit());
        assertEquals(4, jsonFiles(prefixed).size());
    }

    @Test
    void archiveMovesOnlyVerifiedFiles() throws Exception {
        Path src = LegacyTree.copy(tree, tmp.resolve("to-archive"));
        Path archive = tmp.resolve("archive");
        Cli r = Cli.migrate(redis.uri(), "--from", src.toString(), "--archive", archive.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(Files.exists(archive.resolve("quantum_states/status.json")));
        assertFalse(Files.exists(src.resolve("quantum_states/status.json")));
        DAMAGED.keySet().forEach(p -> assertTrue(Files.exists(src.resolve(p)), "damaged file stays: " + p));
        assertTrue(Files.exists(src.resolve("quantum_states/status.json.tmp")));
    }

    @Test
    void unreachableRedisExitsOneWithTheReason() {
        Cli r = Cli.migrate("redis://127.0.0.1:1", "--from", tree.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("migrate failed"), r.err());
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertEquals(2, Cli.migrate(redis.uri()).exit());
        assertEquals(
                2,
                Cli.migrate(redis.uri(), "--from", tmp.resolve("nope").toString())
                        .exit());
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "rules:\n  - path: a/{x}.json\n    key: a:{y}\n");
        Cli r = Cli.migrate(redis.uri(), "--from", tmp.toString(), "--mapping", bad.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("rules[0].key"), r.err());
        assertEquals(
                2,
                Cli.migrate(redis.uri(), "--from", tmp.toString(), "--dry-run", "--verify")
                        .exit());
    }
}
