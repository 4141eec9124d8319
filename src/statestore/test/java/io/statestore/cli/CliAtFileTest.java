package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.testing.RedisServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * {@code @FILE} means "the JSON in FILE" for JSON value arguments and nothing anywhere else
 * (issue 14: picocli's own @-file expansion rewrote values and keys). The files are named by
 * absolute paths on purpose: picocli resolved @-files against the process's directory, so only
 * those showed the old rewriting from inside a test.
 */
class CliAtFileTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(redis.uri(), dir);
    }

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    /** Writes {@code text} to a file in the test directory and returns {@code @} and its absolute path. */
    private String atFile(String name, String text) throws IOException {
        return "@" + Files.writeString(dir.resolve(name), text).toAbsolutePath();
    }

    private String get(String key) {
        CliRunner.Result r = cli().run("get", key);
        assertEquals(0, r.exitCode(), r.toString());
        return r.out();
    }

    private static void assertOk(CliRunner.Result r, String out) {
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(out), r.outLines(), r.toString());
        assertEquals("", r.err(), r.toString());
    }

    private static void assertFailure(CliRunner.Result r, String error) {
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertEquals(List.of(error), r.errLines(), r.toString());
    }

    @Test
    void setFromAFileStoresTheJsonStringInItNotANumber() throws IOException {
        redis.newStore().put("t:s", StrictJson.parse("{}"));
        assertOk(cli().run("set", "t:s", "$.s", atFile("f", "\"123\"")), "2");
        assertEquals("{\"s\":\"123\"}\n", get("t:s"));
    }

    @Test
    void appendFromAFileAppendsTheJsonStringInItNotABoolean() throws IOException {
        redis.newStore().put("t:a", StrictJson.parse("{\"n\":[]}"));
        assertOk(cli().run("append", "t:a", "$.n", atFile("f", "\"true\"\n")), "2");
        assertEquals("{\"n\":[\"true\"]}\n", get("t:a"));
    }

    @Test
    void mergeFromAFileAppliesThePatchAsWritten() throws IOException {
        redis.newStore().put("t:m", StrictJson.parse("{\"phase\":\"idle\",\"gone\":1}"));
        String patch = atFile("patch.json", "{\n  \"phase\": \"busy now\",\n  \"gone\": null,\n  \"n\": \"7\"\n}\n");
        assertOk(cli().run("merge", "t:m", patch), "2");
        assertEquals("{\"phase\":\"busy now\",\"n\":\"7\"}\n", get("t:m"));
    }

    @Test
    void putFromAnAtFileOrAtDashStoresTheDocument() throws IOException {
        assertOk(cli().run("put", "t:p", atFile("doc.json", "{\"a\": \"x y\", \"b\": [1, \"2\"]}")), "1");
        assertEquals("{\"a\":\"x y\",\"b\":[1,\"2\"]}\n", get("t:p"));
        assertOk(cli().runWithStdin("{\"c\": true}".getBytes(StandardCharsets.UTF_8), "put", "t:p", "@-"), "2");
        assertEquals("{\"c\":true}\n", get("t:p"));
    }

    @Test
    void incrAndPublishTakeAtFilesResolvedAgainstTheWorkingDirectory() throws IOException {
        redis.newStore().put("t:i", StrictJson.parse("{\"n\":1}"));
        Files.writeString(dir.resolve("n.json"), "2.5\n");
        assertOk(cli().run("incr", "t:i", "$.n", "@n.json"), "3.5");
        String string = atFile("s.json", "\"2\"");
        assertFailure(
                cli().run("incr", "t:i", "$.n", string),
                "statestore: incr t:i: N must be a number, got a string in " + string);

        CliRunner.Result pub = cli().run("events", "publish", "job", atFile("data.json", "{\"msg\": \"two words\"}"));
        assertEquals(0, pub.exitCode(), pub.toString());
        CliRunner.Result tail = cli().run("events", "tail", "job", "--from", "0", "--count", "1", "--timeout", "10s");
        assertEquals(
                "{\"msg\":\"two words\"}",
                StrictJson.write(StrictJson.parse(tail.outLines().get(0)).get("data")));
    }

    @Test
    void keysStartingWithAtAreTakenLiterally() throws IOException {
        // A key that also names an existing file: the old expansion replaced it with the file's text.
        String fileKey = atFile("odd", "\"x\"");
        assertOk(cli().run("set", fileKey, "$", "{}"), "1");
        assertOk(cli().runWithStdin("{\"b\":2}".getBytes(StandardCharsets.UTF_8), "put", "@odd", "-"), "1");
        assertOk(cli().run("merge", "@odd", "{\"c\":3}"), "2");
        assertEquals("{}\n", get(fileKey));
        assertEquals("{\"b\":2,\"c\":3}\n", get("@odd"));
        assertEquals(List.of(fileKey, "@odd"), cli().run("ls", "@").outLines());
        try (Jedis j = redis.jedis()) {
            assertTrue(j.exists("@odd"), "stored under the exact name @odd");
            assertTrue(j.exists(fileKey), "stored under the exact name " + fileKey);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"put", "merge", "set", "append", "incr"})
    void aMissingFileIsNamedAndChangesNothing(String command) {
        StateStore store = redis.newStore();
        store.put("t:miss", StrictJson.parse("{\"n\":1,\"l\":[]}"));
        String missing = "@" + dir.resolve("missing.json").toAbsolutePath();
        List<String> args = switch (command) {
            case "put", "merge" -> List.of(command, "t:miss", missing);
            case "append" -> List.of(command, "t:miss", "$.l", missing);
            default -> List.of(command, "t:miss", "$.n", missing);
        };
        assertFailure(
                cli().run(args.toArray(String[]::new)),
                "statestore: " + command + " t:miss: cannot read " + missing + ": no such file");
        JsonNode after = store.get("t:miss").orElseThrow().value();
        assertEquals("{\"n\":1,\"l\":[]}", StrictJson.write(after));
        assertEquals(1, store.get("t:miss").orElseThrow().revision());
    }

    @Test
    void aBareAtOrADirectoryIsAClearError() {
        redis.newStore().put("t:bare", StrictJson.parse("{}"));
        assertFailure(
                cli().run("set", "t:bare", "$.a", "@"),
                "statestore: set t:bare: cannot read @: a file name must follow @ (@FILE, or @- for stdin)");
        assertFailure(
                cli().run("merge", "t:bare", "@" + dir.toAbsolutePath()),
                "statestore: merge t:bare: cannot read @" + dir.toAbsolutePath() + ": is a directory");
        assertFailure(
                cli().run("events", "publish", "job", "@"),
                "statestore: events publish job: cannot read @: a file name must follow @ (@FILE, or @- for stdin)");
    }

    @Test
    void badJsonOrUtf8InAnAtFileIsRejectedNamingTheFile() throws IOException {
        String dup = atFile("dup.json", "{\"a\": 1, \"a\": 2}");
        CliRunner.Result r = cli().run("merge", "t:bad", dup);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(
                r.err()
                        .startsWith("statestore: merge t:bad: invalid JSON in file " + dup.substring(1)
                                + ": duplicate member name \"a\""),
                r.toString());
        Path latin1 = Files.write(dir.resolve("latin1.json"), new byte[] {'"', (byte) 0xE9, ' ', '"'});
        CliRunner.Result u = cli().run("set", "t:bad", "$", "@" + latin1.toAbsolutePath());
        assertEquals(1, u.exitCode(), u.toString());
        assertTrue(
                u.err()
                        .startsWith("statestore: set t:bad: invalid JSON in file " + latin1.toAbsolutePath()
                                + ": not valid UTF-8"),
                u.toString());
        assertEquals(3, cli().run("get", "t:bad").exitCode(), "not found");
    }
}
