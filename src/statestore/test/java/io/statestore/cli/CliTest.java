package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.testing.RedisServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/** The CLI in-process against a real redis-server: output, exit codes and error lines. */
class CliTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(redis.uri(), dir);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertFailure(CliRunner.Result r, String... fragments) {
        assertFailure(1, r, fragments);
    }

    /** Exit codes: 3 not found, 4 conflict, 5 unavailable, 1 other failures (docs/cli.md). */
    private static void assertFailure(int exit, CliRunner.Result r, String... fragments) {
        assertEquals(exit, r.exitCode(), r.toString());
        assertEquals("", r.out(), "nothing on stdout\n" + r);
        assertEquals(1, r.errLines().size(), "exactly one stderr line\n" + r);
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr names \"" + f + "\"\n" + r);
        }
    }

    @Test
    void putFromStdinThenGetPrintsTheSameDocumentLosslessly() {
        String doc = "{\"n\":-9223372036854775808,\"u\":18446744073709551615,\"d\":0.30000000000000004,"
                + "\"e\":[],\"o\":{},\"s\":\"\u00e9\ud83d\ude00\\u0001\"}";
        CliRunner.Result put = cli().runWithStdin(utf8(doc), "put", "t:lossless");
        assertEquals(0, put.exitCode(), put.toString());
        assertEquals(List.of("1"), put.outLines());
        assertEquals("", put.err());
        CliRunner.Result get = cli().run("get", "t:lossless");
        assertEquals(0, get.exitCode(), get.toString());
        assertEquals(StrictJson.write(StrictJson.parse(doc)) + "\n", get.out());
    }

    @Test
    void getMetaPrintsRevisionTimesWriterExpiryAndValue() {
        Instant before = Instant.now().minusSeconds(1);
        assertEquals(
                0, cli().runWithStdin(utf8("{\"a\":1}"), "put", "t:meta", "-").exitCode());
        assertEquals(0, cli().run("merge", "t:meta", "{\"b\":2}").exitCode());
        CliRunner.Result r = cli().run("get", "t:meta", "--meta");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = StrictJson.parse(r.out().trim());
        assertEquals(
                List.of("key", "revision", "created", "updated", "writer", "expiresAt", "value"),
                iterate(m.fieldNames()));
        assertEquals("t:meta", m.get("key").asText());
        assertEquals(2, m.get("revision").asLong());
        assertEquals("cli-test", m.get("writer").asText());
        assertTrue(m.get("expiresAt").isNull());
        assertFalse(Instant.parse(m.get("created").asText()).isBefore(before));
        assertFalse(Instant.parse(m.get("updated").asText())
                .isBefore(Instant.parse(m.get("created").asText())));
        assertEquals("{\"a\":1,\"b\":2}", StrictJson.write(m.get("value")));
    }

    @Test
    void ttlSetsAnExpiryThatGetMetaReports() {
        CliRunner.Result r = cli().runWithStdin(utf8("{}"), "put", "t:ttl", "--ttl", "24h");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = StrictJson.parse(cli().run("get", "t:ttl", "--meta").out().trim());
        Instant expires = Instant.parse(m.get("expiresAt").asText());
        Instant expected = Instant.now().plus(Duration.ofHours(24));
        assertTrue(Math.abs(Duration.between(expires, expected).toSeconds()) < 60, "expiresAt " + expires);
        try (Jedis j = redis.jedis()) {
            assertTrue(j.ttl("t:ttl") > 86_000);
        }
    }

    @Test
    void conflictingPutExitsFourNamingTheCurrentRevisionAndWritesNothing() {
        StateStore store = redis.newStore();
        store.put("t:cas", StrictJson.parse("{\"v\":1}"));
        store.put("t:cas", StrictJson.parse("{\"v\":2}"));
        CliRunner.Result r = cli().runWithStdin(utf8("{\"v\":3}"), "put", "t:cas", "--if-revision", "1");
        assertFailure(4, r, "statestore: put t:cas: conflict", "current revision 2");
        assertEquals(
                "{\"v\":2}", StrictJson.write(store.get("t:cas").orElseThrow().value()));
        CliRunner.Result ok = cli().runWithStdin(utf8("{\"v\":3}"), "put", "t:cas", "--if-revision", "2");
        assertEquals(List.of("3"), ok.outLines(), ok.toString());
    }

    @Test
    void invalidUtf8InAFileIsRejected() throws IOException {
        Files.write(dir.resolve("latin1.json"), new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE9, '"', '}'});
        assertFailure(
                cli().run("put", "t:utf8", "latin1.json"),
                "statestore: put t:utf8: invalid JSON in file latin1.json: not valid UTF-8");
        assertEquals(3, cli().run("get", "t:utf8").exitCode(), "not found");
    }

    @Test
    void missingFileIsNamed() {
        assertFailure(
                cli().run("put", "t:nofile", "nope.json"), "put t:nofile: cannot read file nope.json: no such file");
    }

    @Test
    void emptyStdinIsRejected() {
        assertFailure(
                cli().runWithStdin(new byte[0], "put", "t:empty"), "put t:empty: invalid JSON in stdin: empty input");
    }

    @ParameterizedTest
    @ValueSource(strings = {"24x", "10", "-5s", "1.5h", "h", "99999999999999999999d"})
    void badDurationsExitOneWithTheReason(String ttl) {
        CliRunner.Result r = cli().runWithStdin(utf8("{}"), "put", "t:badttl", "--ttl", ttl);
        assertFailure(
                r,
                "put t:badttl: invalid duration for --ttl \"" + ttl + "\"",
                "use e.g. 500ms, 30s, 15m, 1h30m, 7d, 2w");
    }

    @Test
    void invalidKeyIsRejected() {
        assertFailure(cli().run("get", "ss:meta"), "get ss:meta: invalid key \"ss:meta\"", "reserved");
        assertFailure(cli().run("get", "a\tb"), "get a\\tb: invalid key");
    }

    @Test
    void incrPrintsTheNewNumberAndRejectsNonNumbers() {
        redis.newStore().put("t:incr", StrictJson.parse("{\"n\":1,\"s\":\"x\"}"));
        assertEquals(List.of("3.5"), cli().run("incr", "t:incr", "$.n", "2.5").outLines());
        assertEquals(List.of("-6.5"), cli().run("incr", "t:incr", "$.n", "-10").outLines());
        assertFailure(cli().run("incr", "t:incr", "$.n", "\"2\""), "incr t:incr: N must be a number");
        assertFailure(cli().run("incr", "t:incr", "$.n", "abc"), "incr t:incr: invalid JSON in N argument");
        assertFailure(cli().run("incr", "t:incr", "$.s", "1"), "incr t:incr: wrong type at path", "$.s is a string");
        assertFailure(cli().run("incr", "t:incr", "$.zz", "1"), "incr t:incr: bad path", "$.zz does not exist");
        assertFailure(3, cli().run("incr", "t:missing", "$.n", "1"), "incr t:missing: not found");
    }

    @Test
    void setOnAMissingDocumentFailsButSetAtRootCreatesIt() {
        assertFailure(3, cli().run("set", "t:set", "$.a", "1"), "set t:set: not found");
        assertEquals(List.of("1"), cli().run("set", "t:set", "$", "{\"a\":1}").outLines());
        assertEquals(List.of("2"), cli().run("set", "t:set", "$[\"b c\"]", "[]").outLines());
        assertEquals("{\"a\":1,\"b c\":[]}\n", cli().run("get", "t:set").out());
        assertFailure(cli().run("set", "t:set", "a", "1"), "set t:set: invalid path \"a\"");
    }

    @Test
    void appendWithMaxKeepsTheNewest() {
        redis.newStore().put("t:append", StrictJson.parse("{\"log\":[]}"));
        for (int i = 1; i <= 5; i++) {
            CliRunner.Result r = cli().run("append", "t:append", "$.log", Integer.toString(i), "--max", "3");
            assertEquals(List.of(Integer.toString(i + 1)), r.outLines(), r.toString());
        }
        assertEquals("{\"log\":[3,4,5]}\n", cli().run("get", "t:append").out());
        assertFailure(cli().run("append", "t:append", "$.log", "6", "--max", "-1"), "append t:append:", "maxLength");
    }

    @Test
    void mergeReadsAPatchFromAFileOrStdin() throws IOException {
        Files.writeString(dir.resolve("p.json"), "{\"a\":{\"b\":1}}");
        assertEquals(List.of("1"), cli().run("merge", "t:merge", "@p.json").outLines());
        assertEquals(
                List.of("2"),
                cli().runWithStdin(utf8("{\"a\":{\"c\":2,\"b\":null}}"), "merge", "t:merge", "@-")
                        .outLines());
        assertEquals("{\"a\":{\"c\":2}}\n", cli().run("get", "t:merge").out());
        assertFailure(
                cli().run("merge", "t:merge", "{\"a\":1,\"a\":2}"),
                "merge t:merge: invalid JSON in PATCH argument",
                "duplicate member name");
    }

    @Test
    void mergeOfNullIsRefusedAndTheDocumentKept() {
        assertEquals(List.of("1"), cli().run("merge", "t:mnull", "{\"a\":1}").outLines());
        CliRunner.Result r = cli().run("merge", "t:mnull", "null");
        assertTrue(r.exitCode() != 0, r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().contains("merge t:mnull: a merge patch of null would replace the whole document"), r.err());
        assertTrue(r.err().contains("echo null | statestore put t:mnull"), r.err());
        assertEquals("{\"a\":1}\n", cli().run("get", "t:mnull").out());
        CliRunner.Result missing = cli().runWithStdin(utf8("null"), "merge", "t:mnull2", "@-");
        assertTrue(missing.exitCode() != 0, missing.toString());
        assertEquals(3, cli().run("get", "t:mnull2").exitCode(), "not found: nothing was written");
        // what the message suggests works
        assertEquals(0, cli().runWithStdin(utf8("null"), "put", "t:mnull").exitCode());
        assertEquals("null\n", cli().run("get", "t:mnull").out());
    }

    @Test
    void lsListsByPrefixAndDelRemoves() {
        StateStore store = redis.newStore();
        for (String k : List.of("ls:b", "ls:a", "ls:c:1", "other:x")) {
            store.put(k, StrictJson.parse("1"));
        }
        assertEquals(List.of("ls:a", "ls:b", "ls:c:1"), cli().run("ls", "ls:").outLines());
        assertEquals(List.of("ls:c:1"), cli().run("ls", "ls:c").outLines());
        assertEquals(List.of(), cli().run("ls", "nothing:").outLines());
        CliRunner.Result del = cli().run("del", "ls:b");
        assertEquals(List.of("2"), del.outLines(), del.toString());
        assertEquals(List.of("ls:a", "ls:c:1"), cli().run("ls", "ls:").outLines());
        assertFailure(3, cli().run("del", "ls:b"), "del ls:b: not found");
        assertTrue(cli().run("ls").outLines().containsAll(List.of("ls:a", "ls:c:1", "other:x")));
    }

    @Test
    void usageErrorsExitTwo() {
        CliRunner.Result unknown = cli().run("get", "t:x", "--nope");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().startsWith("statestore: Unknown option: '--nope'"), unknown.toString());
        assertEquals("", unknown.out());
        CliRunner.Result missing = cli().run("put");
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("Missing required parameter: 'KEY'"), missing.toString());
        assertEquals(2, cli().run("frobnicate").exitCode());
        assertEquals(2, cli().run().exitCode());
        assertEquals(2, cli().run("del", "t:x", "--if-revision", "abc").exitCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "put", "get", "merge", "set", "incr", "append", "del", "ls"})
    void everyCommandHasHelp(String command) {
        String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
        CliRunner.Result r = cli().runRaw(new byte[0], args);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("Usage: statestore"), r.toString());
        assertEquals("", r.err());
    }

    @Test
    void versionIsPrinted() {
        CliRunner.Result r = cli().runRaw(new byte[0], "--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("statestore "), r.toString());
    }

    @Test
    void unreachableRedisExitsFiveAndOnlyDebugShowsTheStackTrace() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRunner.Result r = cli().runRaw(new byte[0], "--redis", "redis://127.0.0.1:" + port, "get", "t:x");
        assertFailure(5, r, "statestore: get t:x: cannot reach Redis at redis://127.0.0.1:" + port);
        CliRunner.Result debug =
                cli().runRaw(new byte[0], "--redis", "redis://127.0.0.1:" + port, "--debug", "get", "t:x");
        assertEquals(5, debug.exitCode());
        assertTrue(debug.errLines().size() > 2 && debug.err().contains("\tat "), debug.toString());
    }

    @Test
    void badRedisUrlAndMissingPasswordFileAreFailures() {
        assertFailure(cli().runRaw(new byte[0], "--redis", "http://x", "ls"), "statestore: ls: invalid Redis URL");
        CliRunner.Result r =
                cli().runRaw(new byte[0], "--redis", redis.uri(), "--password-file", "no-such-secret", "ls");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
    }

    @Test
    void globalOptionsMayAlsoFollowTheCommand() {
        redis.newStore().put("t:global", StrictJson.parse("{}"));
        CliRunner.Result r = cli().runRaw(
                        new byte[0], "merge", "t:global", "{\"a\":1}", "--redis", redis.uri(), "--writer", "after");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = StrictJson.parse(cli().runRaw(new byte[0], "get", "--redis", redis.uri(), "t:global", "--meta")
                .out()
                .trim());
        assertEquals("after", m.get("writer").asText());
        CliRunner.Result debug = cli().runRaw(new byte[0], "get", "t:nope", "--redis", redis.uri(), "--debug");
        assertEquals(3, debug.exitCode(), "not found");
        assertTrue(debug.err().contains("\tat "), debug.toString());
    }

    private static List<String> iterate(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
