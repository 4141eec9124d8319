package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.series.Retention;
import io.statestore.daemon.series.SeriesStore;
import io.statestore.daemon.series.SeriesStores;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** {@code statestore ts ls | range | add}, run in-process against series written as the daemon writes them. */
class TsCliTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static final long T0 = java.time.Instant.parse("2026-12-04T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    RedisAdmin admin;
    SeriesStore store;

    private CliRunner cli() {
        return new CliRunner(redis.uri(), dir);
    }

    @BeforeEach
    void seed() {
        redis.flushAll();
        admin = new RedisAdmin(StateStoreOptions.of(redis.uri()));
        store = SeriesStores.open(admin, "ss:", Retention.DEFAULT, Clock.systemUTC());
        store.register("depth", "quantum:status $.queue_depth every 10s");
        for (int i = 0; i < 6; i++) {
            store.add("depth", T0 + i * 20_000L, i); // 0, 1, 2 in the first minute; 3, 4, 5 in the second
        }
    }

    @AfterEach
    void close() {
        admin.close();
    }

    @Test
    void lsListsEachSeriesWithItsNewestSample() {
        CliRunner.Result r = cli().run("ts", "ls");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(2, r.outLines().size(), r.toString());
        assertTrue(
                r.outLines()
                        .get(1)
                        .matches("depth +2026-12-04T00:01:40Z +5 +0  quantum:status \\$\\.queue_depth every 10s"),
                r.outLines().get(1));
        JsonNode json = StrictJson.parse(cli().run("ts", "ls", "--json").out());
        assertEquals("depth", json.get(0).get("name").asText());
        assertEquals(T0 + 100_000, json.get(0).get("lastTime").asLong());
    }

    @Test
    void rangePrintsRawOrAggregatedPointsAsTextOrJson() {
        String from = Long.toString(T0);
        CliRunner.Result raw = cli().run("ts", "range", "depth", "--from", from, "--to", "2026-12-04T00:00:40Z");
        assertEquals(
                List.of("2026-12-04T00:00:00Z 0", "2026-12-04T00:00:20Z 1", "2026-12-04T00:00:40Z 2"),
                raw.outLines(),
                raw.toString());
        CliRunner.Result avg = cli().run(
                        "ts",
                        "range",
                        "depth",
                        "--from",
                        from,
                        "--to",
                        Long.toString(T0 + 120_000),
                        "--agg",
                        "avg:1m",
                        "--json");
        assertEquals(0, avg.exitCode(), avg.toString());
        assertEquals(
                "{\"name\":\"depth\",\"points\":[[" + T0 + ",1.0],[" + (T0 + 60_000) + ",4.0]]}",
                avg.out().strip());
        CliRunner.Result recent = cli().run("ts", "range", "depth", "--from=-1h");
        assertEquals(0, recent.exitCode(), recent.toString());
        assertEquals(List.of(), recent.outLines(), "nothing sampled within the last hour");
    }

    @Test
    void badFromToAndAggAreRefusedInOurWords() {
        CliRunner.Result from = cli().run("ts", "range", "depth", "--from", "yesterday");
        assertEquals(2, from.exitCode(), from.toString());
        assertTrue(
                from.err()
                        .contains(
                                "--from \"yesterday\" is not a time: write now, a duration before now such as -1h or -30m,"
                                        + " an ISO-8601 time such as 2026-12-06T10:00:00Z, or epoch milliseconds"),
                from.err());
        CliRunner.Result agg = cli().run("ts", "range", "depth", "--agg", "median:1m");
        assertEquals(2, agg.exitCode(), agg.toString());
        assertTrue(agg.err().contains("aggregation \"median:1m\": unknown function \"median\""), agg.err());
        CliRunner.Result backwards = cli().run("ts", "range", "depth", "--from", "now", "--to", "-1h");
        assertEquals(2, backwards.exitCode(), backwards.toString());
        assertTrue(
                backwards.err().contains("--from (") && backwards.err().contains(") is after --to ("), backwards.err());
        CliRunner.Result unknown = cli().run("ts", "range", "nope");
        assertEquals(3, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("no series named \"nope\" (statestore ts ls lists them)"), unknown.err());
    }

    @Test
    void addStoresADefinitionTheDaemonReadsAndRefusesBadOnes() {
        CliRunner.Result ok = cli().run("ts", "add", "quantum:status", "$.workers", "--every", "30s");
        assertEquals(0, ok.exitCode(), ok.toString());
        assertEquals(
                "series quantum:status$.workers: quantum:status $.workers every 30s (sampled from the daemon's next run)",
                ok.out().strip());
        try (Jedis j = redis.jedis()) {
            assertEquals(
                    "{\"key\":\"quantum:status\",\"path\":\"$.workers\",\"every\":\"30s\"}",
                    j.hget("ss:ts:defs", "quantum:status$.workers"));
        }
        CliRunner.Result path = cli().run("ts", "add", "quantum:status", "workers", "--every", "30s");
        assertEquals(1, path.exitCode(), path.toString());
        assertTrue(path.err().contains("$"), path.err());
        CliRunner.Result every = cli().run("ts", "add", "quantum:status", "$.workers", "--every", "100ms");
        assertTrue(
                every.exitCode() != 0 && every.err().contains("--every must be at least 1s, got 100ms"),
                every.toString());
    }

    @Test
    void theReaderRoleReadsSeriesButOnlyTheAdminAddsOne() throws Exception {
        try (Jedis j = redis.jedis()) {
            List<String> rules = new java.util.ArrayList<>(io.statestore.daemon.acl.AclRules.rules(
                    io.statestore.client.Role.READER, "ss:", List.of("*"), false));
            rules.add(">reader-test-password");
            j.aclSetUser("reader", rules.toArray(new String[0]));
        }
        Path pw = dir.resolve("reader.password");
        java.nio.file.Files.writeString(pw, "reader-test-password\n");
        java.nio.file.Files.setPosixFilePermissions(
                pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        CliRunner.Result read = cli().run(
                        "--user",
                        "reader",
                        "--password-file",
                        pw.toString(),
                        "ts",
                        "range",
                        "depth",
                        "--from",
                        Long.toString(T0),
                        "--to",
                        Long.toString(T0 + 20_000));
        assertEquals(List.of("2026-12-04T00:00:00Z 0", "2026-12-04T00:00:20Z 1"), read.outLines(), read.toString());
        CliRunner.Result add = cli().run(
                        "--user",
                        "reader",
                        "--password-file",
                        pw.toString(),
                        "ts",
                        "add",
                        "k",
                        "$.n",
                        "--every",
                        "10s");
        assertEquals(6, add.exitCode(), add.toString());
        assertEquals(
                List.of("statestore: ts add k: adding a sampled series changes the daemon's configuration: it needs the"
                        + " admin role (reader may only read series)"),
                add.errLines());
    }
}
